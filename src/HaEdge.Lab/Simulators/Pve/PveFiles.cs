using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>
/// The state files the lab's faults (Topology/LabFaults) write too, so their format is a contract:
/// <list type="bullet">
/// <item><c>&lt;state-dir&gt;/pve/firewall-&lt;vmid&gt;.json</c>: the VM's firewall options object as the API returns
/// it without digest, e.g. <c>{"enable":1,"macfilter":0}</c> (fault mac-filter sets macfilter 1, see
/// <see cref="PveLabState"/>).</item>
/// <item><c>&lt;state-dir&gt;/pve/network-&lt;node&gt;.json</c>: the node's /nodes/{node}/network array (a bridge-level
/// VLAN fault would edit bridge_vids or bridge_vlan_aware of vmbr1 on one node).</item>
/// <item><c>&lt;state-dir&gt;/pve/inject.json</c>: <c>{"failNext":{"path":"/nodes/pve1/qemu/101/status/stop","status":500}}</c>
/// (or an array of such objects; optional "method" and "message"): the next call whose path ends with it fails once.</item>
/// <item><c>&lt;state-dir&gt;/pve/ha-maintenance/&lt;node&gt;</c>: exists while the node is in HA maintenance, written by the
/// nodes' <c>ha-manager crm-command node-maintenance enable|disable</c> shim (shims/pve/ha-manager), the CLI-only
/// command PVE has no REST endpoint for.</item>
/// </list>
/// Every read goes to the file, so a change there shows in the next response.
/// </summary>
internal sealed class PveFiles
{
    private static readonly string[] FirewallOptionKeys =
        { "enable", "macfilter", "ipfilter", "dhcp", "ndp", "radv", "policy_in", "policy_out", "log_level_in", "log_level_out" };

    private readonly string dir;

    public PveFiles(string pveDirectory)
    {
        dir = pveDirectory;
    }

    public string FirewallPath(int vmId) => Path.Combine(dir, $"firewall-{vmId}.json");

    public string NetworkPath(string node) => Path.Combine(dir, $"network-{node}.json");

    public string InjectPath => Path.Combine(dir, "inject.json");

    /// <summary>The node's LRM is in maintenance mode (ha-manager crm-command node-maintenance enable).</summary>
    public bool InHaMaintenance(string node) => File.Exists(Path.Combine(dir, "ha-maintenance", node));

    /// <summary>Writes the healthy defaults for files that do not exist yet.</summary>
    public void EnsureDefaults(IEnumerable<LabVm> vms, string localNode, string localIp)
    {
        foreach (LabVm vm in vms)
        {
            // HA CARP on PVE needs the MAC filter off (the CARP virtual MAC is not the NIC's), firewall on.
            WriteIfAbsent(FirewallPath(vm.VmId), new JsonObject { ["enable"] = 1, ["macfilter"] = 0 });
        }
        // Each node process writes its own: only it knows its address.
        WriteIfAbsent(NetworkPath(localNode), DefaultNetwork(localIp));
    }

    public JsonObject ReadFirewall(int vmId)
    {
        JsonObject options = ReadObject(FirewallPath(vmId));
        options["digest"] = Sha1(options.ToJsonString());
        return options;
    }

    /// <summary>Applies PUT firewall/options parameters (values and the <c>delete</c> list).</summary>
    public void UpdateFirewall(int vmId, IReadOnlyDictionary<string, string> parameters)
    {
        string path = FirewallPath(vmId);
        using (StateFile.Lock(path))
        {
            JsonObject options = ReadObject(path);
            if (parameters.TryGetValue("digest", out string? digest) && digest != Sha1(options.ToJsonString()))
            {
                throw new PveError(500, "detected modified configuration - file changed by other user? Try again.");
            }
            foreach (string key in parameters.TryGetValue("delete", out string? delete) ? delete.Split(',', ';', ' ') : Array.Empty<string>())
            {
                options.Remove(key.Trim());
            }
            foreach ((string key, string value) in parameters.Where(p => FirewallOptionKeys.Contains(p.Key)))
            {
                options[key] = int.TryParse(value, out int number) ? JsonValue.Create(number) : JsonValue.Create(value);
            }
            StateFile.WriteAtomic(path, options.ToJsonString() + "\n");
        }
    }

    public JsonArray ReadNetwork(string node)
    {
        string? text = StateFile.ReadOrNull(NetworkPath(node));
        return text is null ? DefaultNetwork("") : JsonNode.Parse(text)?.AsArray() ?? new JsonArray();
    }

    /// <summary>Takes the first pending injected failure that matches this call, or null.</summary>
    public (int Status, string Message)? TakeInjectedFailure(string method, string apiPath)
    {
        // Most requests find nothing injected: a look without the lock, which only a take needs.
        if (StateFile.ReadOrNull(InjectPath) is not string injected || !injected.Contains("failNext", StringComparison.Ordinal))
        {
            return null;
        }

        using (StateFile.Lock(InjectPath))
        {
            if (JsonNode.Parse(StateFile.ReadOrNull(InjectPath) ?? "{}") is not JsonObject root || root["failNext"] is not JsonNode failNext)
            {
                return null;
            }
            List<JsonNode?> pending = failNext is JsonArray array ? array.ToList() : new List<JsonNode?> { failNext };
            foreach (JsonNode? entry in pending)
            {
                string path = (string?)entry?["path"] ?? "";
                string? wantMethod = (string?)entry?["method"];
                if (path.Length == 0 || !apiPath.EndsWith(path, StringComparison.Ordinal)
                    || (wantMethod is not null && !wantMethod.Equals(method, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                pending.Remove(entry);
                root["failNext"] = new JsonArray(pending.Select(e => e?.DeepClone()).ToArray());
                StateFile.WriteAtomic(InjectPath, root.ToJsonString() + "\n");
                return ((int?)entry?["status"] ?? 500, (string?)entry?["message"] ?? "injected failure (lab inject.json)");
            }
            return null;
        }
    }

    private static JsonObject ReadObject(string path) =>
        JsonNode.Parse(StateFile.ReadOrNull(path) ?? "{}") as JsonObject ?? new JsonObject();

    private static void WriteIfAbsent(string path, JsonNode content)
    {
        using (StateFile.Lock(path))
        {
            if (!File.Exists(path))
            {
                StateFile.WriteAtomic(path, content.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            }
        }
    }

    private static string Sha1(string text) => Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    /// <summary>
    /// A node's interfaces for contract.md's segments: vmbr0 WAN fibre, vmbr1 LAN (VLAN-aware, carries VLAN 20, and the
    /// node's management address), vmbr2 WAN Starlink, vmbr9 sync; each bridge on its own NIC.
    /// </summary>
    private static JsonArray DefaultNetwork(string nodeIp)
    {
        var list = new JsonArray();
        string[] bridges = { "vmbr0", "vmbr1", "vmbr2", "vmbr9" };
        for (int i = 0; i < bridges.Length; i++)
        {
            list.Add(new JsonObject
            {
                ["iface"] = $"eno{i + 1}", ["type"] = "eth", ["method"] = "manual", ["method6"] = "manual",
                ["active"] = 1, ["exists"] = 1, ["families"] = new JsonArray("inet"), ["priority"] = 3 + i,
            });
        }
        for (int i = 0; i < bridges.Length; i++)
        {
            var bridge = new JsonObject
            {
                ["iface"] = bridges[i], ["type"] = "bridge", ["bridge_ports"] = $"eno{i + 1}", ["bridge_stp"] = "off",
                ["bridge_fd"] = "0", ["method"] = "manual", ["method6"] = "manual", ["autostart"] = 1, ["active"] = 1,
                ["families"] = new JsonArray("inet"), ["priority"] = 10 + i,
            };
            if (bridges[i] == "vmbr1")
            {
                bridge["bridge_vlan_aware"] = 1;
                bridge["bridge_vids"] = "2-4094";
                if (nodeIp.Length > 0 && nodeIp != "127.0.0.1")
                {
                    string bits = LabLayout.Lan.PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    bridge["method"] = "static";
                    bridge["address"] = nodeIp;
                    bridge["netmask"] = bits;
                    bridge["cidr"] = $"{nodeIp}/{bits}";
                }
            }
            list.Add(bridge);
        }
        return list;
    }
}
