using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaEdge.Lab.Topology;

namespace HaEdge.Lab.Host;

/// <summary>
/// Writes the ready edge definition (docs/design/contract.md section 1) for the running lab, and the env file
/// beside it with the secrets the definition only names.
/// </summary>
internal static class EdgeDefinitionWriter
{
    public const string TokenVariable = "HAEDGE_PVE_TOKEN";
    /// <summary>Each firewall has its own hasync password: HAEDGE_FW1_XMLRPC_PASSWORD, HAEDGE_FW2_XMLRPC_PASSWORD.</summary>
    public static string XmlRpcPasswordVariable(LabFirewall fw) => $"HAEDGE_{fw.Name.ToUpperInvariant()}_XMLRPC_PASSWORD";

    /// <param name="pve">Token id, secret and certificate fingerprint of the PVE simulator.</param>
    /// <param name="xmlRpc">Per firewall: XMLRPC user, password and certificate fingerprint.</param>
    public static void Write(LabPaths paths, (string TokenId, string Secret, string Fingerprint) pve,
        IReadOnlyDictionary<string, (string User, string Password, string Fingerprint)> xmlRpc)
    {
        var firewalls = new JsonArray();
        foreach (LabFirewall fw in LabLayout.Firewalls)
        {
            string lanAddress = fw.Address(LabLayout.Lan);
            (string user, _, string fingerprint) = xmlRpc[fw.Name];
            firewalls.Add(new JsonObject
            {
                ["name"] = fw.Name,
                ["role"] = fw.Role,
                ["vmId"] = fw.VmId,
                ["node"] = fw.Node,
                ["ssh"] = new JsonObject
                {
                    ["host"] = lanAddress,
                    ["port"] = 22,
                    // pfSense's admin, whose shell is rc.initial (the rc.local banner on 2.7.x), as operators connect.
                    ["user"] = "admin",
                    ["hostKeySha256"] = HostKeyFingerprint(paths.HostKey(fw) + ".pub"),
                    ["keyFile"] = Path.GetRelativePath(paths.StateDir, paths.ClientKey),
                },
                ["syncAddress"] = fw.Address(LabLayout.Sync),
                ["xmlrpc"] = new JsonObject
                {
                    ["url"] = $"https://{lanAddress}/xmlrpc.php",
                    ["user"] = user,
                    ["passwordVariable"] = XmlRpcPasswordVariable(fw),
                    ["certificateSha256"] = fingerprint,
                },
            });
        }
        var segments = new JsonArray();
        foreach (LabSegment s in LabLayout.Segments)
        {
            var segment = new JsonObject { ["name"] = s.Name, ["kind"] = s.Kind, ["net"] = s.Net, ["bridge"] = s.Bridge };
            if (s.Vlan is int vlan)
            {
                segment["vlan"] = vlan;
            }
            if (s.Kind != "sync")
            {
                segment["carp"] = s.Vhid is not null;
            }
            if (s.Kind == "wan")
            {
                segment["addressing"] = s == LabLayout.WanStarlink ? "dhcp" : "static";
            }
            segments.Add(segment);
        }
        var endpoints = LabLayout.Nodes.Select(n => $"https://{n.ManagementAddress}:8006").ToList();
        var proxmox = new JsonObject
        {
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
            ["tokenId"] = pve.TokenId,
            ["tokenSecretVariable"] = TokenVariable,
            ["timeoutSeconds"] = 10,
            // A pin holds for its endpoint alone (contract section 1); the simulated nodes share one certificate.
            ["certificateSha256"] = new JsonObject(endpoints.Select(e => KeyValuePair.Create(e, (JsonNode?)JsonValue.Create(pve.Fingerprint)))),
            ["ssh"] = PveSsh(paths),
        };
        var definition = new JsonObject
        {
            ["name"] = "rehearsal lab",
            ["proxmox"] = proxmox,
            ["firewalls"] = firewalls,
            ["segments"] = segments,
            ["probes"] = new JsonObject
            {
                ["ping"] = LabLayout.InternetTarget,
                ["tcpEcho"] = $"{LabLayout.InternetTarget}:{LabLayout.TcpEchoPort}",
                ["download"] = $"http://{LabLayout.InternetTarget}:{LabLayout.DownloadPort}/download",
                ["intervalMs"] = 200,
            },
        };
        Shell.WriteFile(paths.EdgeDefinition, definition.ToJsonString(Readable) + "\n");

        IEnumerable<string> env = new[] { $"{TokenVariable}={pve.Secret}" }
            .Concat(LabLayout.Firewalls.Select(fw => $"{XmlRpcPasswordVariable(fw)}={xmlRpc[fw.Name].Password}"));
        Shell.WriteFile(paths.EnvFile, string.Concat(env.Select(l => l + "\n")), Shell.Private);
    }

    /// <summary>
    /// The PVE nodes' SSH (ha-manager node maintenance has no REST endpoint) as a file of its own beside edge.json,
    /// for tools that read it; edge.json carries the same key as proxmox.ssh.
    /// </summary>
    public static void WritePveSsh(LabPaths paths)
    {
        var file = new JsonObject { ["proxmox"] = new JsonObject { ["ssh"] = PveSsh(paths) } };
        Shell.WriteFile(paths.PveSshFile, file.ToJsonString(Readable) + "\n");
    }

    /// <summary>The definition's optional proxmox.ssh key: one login for every node, each node's host key pinned.</summary>
    private static JsonObject PveSsh(LabPaths paths)
    {
        var nodes = new JsonObject();
        foreach (LabNode node in LabLayout.Nodes)
        {
            nodes[node.Name] = new JsonObject
            {
                ["host"] = node.ManagementAddress,
                ["hostKeySha256"] = HostKeyFingerprint(paths.NodeHostKey(node) + ".pub"),
            };
        }
        return new JsonObject
        {
            ["port"] = 22,
            ["user"] = "root",
            ["keyFile"] = Path.GetRelativePath(paths.StateDir, paths.ClientKey),
            ["nodes"] = nodes,
        };
    }

    private static readonly JsonSerializerOptions Readable = new()
    {
        WriteIndented = true,
        // "SHA256:ab+c/..." stays readable: the file is for people too.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>"SHA256:" + unpadded base64 of the SHA-256 of the key blob, exactly as `ssh-keygen -lf` prints it.</summary>
    public static string HostKeyFingerprint(string publicKeyFile)
    {
        string[] fields = File.ReadAllText(publicKeyFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        byte[] blob = Convert.FromBase64String(fields[1]);
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }
}
