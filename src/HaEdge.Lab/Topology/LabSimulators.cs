using System.Text.Json;
using HaEdge.Lab.Simulators.PfSense;
using HaEdge.Lab.Simulators.Pve;

namespace HaEdge.Lab.Topology;

/// <summary>
/// Starts the Proxmox simulator (serve-pve) and the PVE nodes' sshd inside the lab (each firewall starts its own
/// serve-xmlrpc, see <see cref="FirewallVm.Start"/>), and reads back what the edge definition needs from the
/// simulators: the API token, the XMLRPC passwords and the certificate fingerprints they create.
/// </summary>
internal static class LabSimulators
{
    public const int PvePort = 8006;

    public const int XmlRpcPort = 443;

    public static void StartPve(LabPaths paths, IReadOnlyList<string> launcher, LabProfile profile)
    {
        foreach (LabNode node in LabLayout.Nodes)
        {
            Shell.StartDaemon(node.Namespace, paths.Log($"{node.Name}-pve"), launcher.Concat(new[]
            {
                "serve-pve", "--node", node.Name, "--listen", $"{node.ManagementAddress}:{PvePort}", "--state-dir", paths.StateDir,
                "--profile", profile.Name,
            }).ToArray());
        }
    }

    /// <summary>
    /// Each PVE node's sshd, for what PVE only offers on the command line (ha-manager crm-command node-maintenance):
    /// its own host key, the lab client key, and the ha-manager shim first on PATH.
    /// </summary>
    public static void StartPveSsh(LabPaths paths)
    {
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation directory
        foreach (LabNode node in LabLayout.Nodes)
        {
            LabSshd.EnsureHostKey(paths.NodeHostKey(node), $"root@{node.Name}.lab");
            var environment = new[]
            {
                ("HAEDGE_LAB_STATE", paths.StateDir),
                ("HAEDGE_LAB_NODE", node.Name),
                ("HAEDGE_LAB_PVE", $"https://{node.ManagementAddress}:{PvePort}"),
                ("HAEDGE_LAB_PVE_TOKEN_ID", PveTokens.EdgeTokenId),
                ("ENV", paths.NodeFile(node, "shrc")),
            };
            Shell.WriteFile(paths.NodeFile(node, "sshd_config"), LabSshd.Config(node.Name, $"{node.ManagementAddress}:22",
                paths.NodeHostKey(node), paths.NodeFile(node, "sshd.pid"), paths.AuthorizedKeys, paths.ShimPve, environment));
            Shell.WriteFile(paths.NodeFile(node, "shrc"), LabSshd.InteractiveRc(paths.ShimPve));
            Shell.WriteFile(paths.NodeFile(node, "passwd"), LabSshd.PasswdWithRoot("/bin/sh"));
            Shell.StartDaemon(node.Namespace, paths.Log($"{node.Name}-sshd"),
                LabSshd.Command(paths.NodeFile(node, "passwd"), paths.NodeFile(node, "sshd_config")));
        }
    }

    /// <summary>The token and certificate files serve-pve creates at start.</summary>
    public static bool PveFilesReady(LabPaths paths) =>
        File.Exists(Path.Combine(paths.PveDir, "tokens.json")) && File.Exists(Path.Combine(paths.PveDir, "fingerprint"));

    /// <summary>The full-privilege token the module uses, from the simulator's tokens.json (once <see cref="PveFilesReady"/>).</summary>
    public static (string TokenId, string Secret, string Fingerprint) PveCredentials(LabPaths paths)
    {
        string tokens = Path.Combine(paths.PveDir, "tokens.json");
        string fingerprint = Path.Combine(paths.PveDir, "fingerprint");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(tokens));
        JsonElement edge = document.RootElement.EnumerateArray()
            .First(t => t.GetProperty("id").GetString() == PveTokens.EdgeTokenId);
        return (PveTokens.EdgeTokenId, edge.GetProperty("secret").GetString()!, File.ReadAllText(fingerprint).Trim());
    }

    /// <summary>Each firewall's XMLRPC user, password and certificate fingerprint, once its serve-xmlrpc created them.</summary>
    public static IReadOnlyDictionary<string, (string User, string Password, string Fingerprint)> XmlRpcCredentials(LabPaths paths) =>
        LabLayout.Firewalls
            .Select(fw => (fw.Name, Credentials: XmlRpcUsers.Credentials(paths.StateDir, fw.Name)))
            .Where(c => c.Credentials is not null)
            .ToDictionary(c => c.Name, c => c.Credentials!.Value);

    public static bool XmlRpcFilesReady(LabPaths paths) => XmlRpcCredentials(paths).Count == LabLayout.Firewalls.Count;

    /// <summary>
    /// Shows a fault in the PVE API as Proxmox would (the VM's macfilter option, a NIC's tag). Only when the
    /// simulator's state exists: the network fault itself does not depend on it.
    /// </summary>
    public static void ReflectInPve(LabPaths paths, Action<string> change)
    {
        if (Directory.Exists(paths.PveDir))
        {
            change(paths.StateDir);
        }
    }
}
