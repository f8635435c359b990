using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>One authenticated API call: method, path segments after /api2/json, merged query and body parameters.</summary>
internal sealed record PveRequest(string Method, string[] Path, IReadOnlyDictionary<string, string> Parameters, PveToken Token)
{
    public string? Get(string name) => Parameters.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// The PVE API paths HaEdge uses, answered from the shared cluster state and acted out through
/// <see cref="ILabVmControl"/>, as the profile's Proxmox VE major answers them (/cluster/ha in <see cref="PveHa"/>).
/// Either node answers for the whole cluster, as pveproxy forwards to the owner node.
/// </summary>
internal sealed class PveApi
{
    private static readonly string[] NicModels =
    {
        "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er",
        "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3",
    };

    private static readonly string[] NicKeys = { "bridge", "tag", "trunks", "firewall", "link_down", "mtu", "queues", "rate", "host-tunnel" };

    // Config keys PVE returns as JSON numbers; the rest are strings (memory is a string, as PVE 8.1+ returns it).
    private static readonly string[] IntegerConfigKeys = { "cores", "sockets", "numa", "onboot", "balloon" };

    private const long MaxMem = 2147483648;
    private const long MaxDisk = 17179869184;

    private readonly PveStore store;
    private readonly PveFiles files;
    private readonly PveTasks tasks;
    private readonly PveVmPower power;
    private readonly ILabVmControl vms;
    private readonly string localNode;
    private readonly string fingerprint;
    private readonly LabProfile profile;
    private readonly PveHa ha;

    public PveApi(PveStore store, PveFiles files, PveTasks tasks, PveVmPower power, ILabVmControl vms, string localNode, string fingerprint, LabProfile profile)
    {
        this.store = store;
        this.files = files;
        this.tasks = tasks;
        this.power = power;
        this.vms = vms;
        this.localNode = localNode;
        this.fingerprint = fingerprint;
        this.profile = profile;
        ha = new PveHa(store, files, profile, localNode);
    }

    /// <summary>
    /// pve-manager's answer to a path no handler serves (PVE/HTTPServer.pm rest_handler): 501 "Method 'GET
    /// /cluster/ha/rules' not implemented", the path as it follows /api2/json.
    /// </summary>
    public static PveError NotImplemented(PveRequest r) => new(501, $"Method '{r.Method} /{string.Join('/', r.Path)}' not implemented");

    public async Task<JsonNode?> HandleAsync(PveRequest r, CancellationToken ct)
    {
        switch (r.Method, r.Path)
        {
            case ("GET", ["version"]):
                // pve-manager's debian/changelog: 9.0.10 (PVE 9), 8.4.21 (stable-8 2606ac850d).
                return profile.PveMajor >= 9
                    ? new JsonObject { ["version"] = "9.0.10", ["release"] = "9.0", ["repoid"] = "0fcd5d8b46a9b7d8" }
                    : new JsonObject { ["version"] = "8.4.21", ["release"] = "8.4", ["repoid"] = "2606ac850d" };
            case ("GET", ["cluster", "status"]):
                Require(r, "/", "Sys.Audit");
                return ClusterStatus();
            case ("GET", ["cluster", "resources"]):
                return Resources(r.Get("type"));
            case ("GET", ["nodes"]):
                return Nodes();
            case ("GET", ["nodes", var node, "qemu"]):
                RequireNode(node);
                return new JsonArray(store.Read(s => s.Vms.Where(v => v.Value.Node == node).ToList())
                    .Select(v => (JsonNode)VmSummary(v.Key, v.Value)).ToArray());
            case ("GET", ["nodes", var node, "qemu", var vmid, "status", "current"]):
                Require(r, $"/vms/{vmid}", "VM.Audit");
                return VmStatus(node, VmId(vmid));
            case ("GET", ["nodes", var node, "qemu", var vmid, "config"]):
                Require(r, $"/vms/{vmid}", "VM.Audit");
                return VmConfig(node, VmId(vmid));
            case ("PUT" or "POST", ["nodes", var node, "qemu", var vmid, "config"]):
                return await UpdateConfigAsync(r, node, VmId(vmid), asTask: r.Method == "POST", ct).ConfigureAwait(false);
            case ("POST", ["nodes", var node, "qemu", var vmid, "status", var action]):
                Require(r, $"/vms/{vmid}", "VM.PowerMgmt");
                return power.Request(r.Token, node, VmId(vmid), action);
            case ("GET", ["nodes", var node, "tasks", var upid, "status"]):
                RequireNode(node);
                return tasks.Status(node, upid);
            case ("GET", ["nodes", var node, "tasks", var upid, "log"]):
                RequireNode(node);
                return tasks.Log(node, upid);
            case ("GET", ["nodes", var node, "qemu", var vmid, "firewall", "options"]):
                Require(r, $"/vms/{vmid}", "VM.Audit");
                store.Read(s => PveStore.RequireVm(s, node, VmId(vmid)));
                return files.ReadFirewall(VmId(vmid));
            case ("PUT", ["nodes", var node, "qemu", var vmid, "firewall", "options"]):
                Require(r, $"/vms/{vmid}", "VM.Config.Network");
                store.Read(s => PveStore.RequireVm(s, node, VmId(vmid)));
                files.UpdateFirewall(VmId(vmid), r.Parameters);
                return null;
            case ("GET", ["nodes", var node, "network"]):
                Require(r, $"/nodes/{node}", "Sys.Audit");
                RequireNode(node);
                return Network(node, r.Get("type"));
            case (_, ["cluster", "ha", .. var rest]):
                return ha.Handle(r, rest);
            default:
                throw NotImplemented(r);
        }
    }

    private static void Require(PveRequest r, string aclPath, string privilege) => PveTokens.Require(r.Token, aclPath, privilege);

    private static int VmId(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id >= 100
            ? id
            : throw PveError.Parameter("vmid", "invalid format - value does not look like a valid VM ID");

    private void RequireNode(string node)
    {
        if (!store.Read(s => s.Nodes.ContainsKey(node)))
        {
            throw new PveError(500, $"hostname lookup '{node}' failed - failed to get address info for: {node}: Name or service not known");
        }
    }

    private JsonArray ClusterStatus() => store.Read(s =>
    {
        var list = new JsonArray(new JsonObject
        {
            ["type"] = "cluster", ["id"] = "cluster", ["name"] = "haedge-lab", ["nodes"] = s.Nodes.Count,
            ["version"] = s.ConfigVersion, ["quorate"] = 1,
        });
        foreach ((string name, NodeRecord node) in s.Nodes)
        {
            list.Add(new JsonObject
            {
                ["type"] = "node", ["id"] = $"node/{name}", ["name"] = name, ["nodeid"] = node.NodeId, ["ip"] = node.Ip,
                ["local"] = name == localNode ? 1 : 0, ["online"] = 1, ["level"] = "",
            });
        }
        return list;
    });

    private JsonArray Nodes() => store.Read(s => new JsonArray(s.Nodes.Select(n => (JsonNode)new JsonObject
    {
        ["node"] = n.Key, ["id"] = $"node/{n.Key}", ["type"] = "node", ["status"] = "online", ["level"] = "",
        ["ssl_fingerprint"] = fingerprint, ["uptime"] = Now() - n.Value.StartTime, ["cpu"] = 0.0123, ["maxcpu"] = 8,
        ["mem"] = 4294967296L, ["maxmem"] = 34359738368L, ["disk"] = 3221225472L, ["maxdisk"] = 100663296000L,
    }).ToArray()));

    private JsonArray Resources(string? type)
    {
        var list = new JsonArray();
        List<KeyValuePair<int, VmRecord>> vms = store.Read(s => s.Vms.ToList());
        List<KeyValuePair<string, NodeRecord>> nodes = store.Read(s => s.Nodes.ToList());
        if (type is null or "vm")
        {
            foreach ((int vmId, VmRecord vm) in vms)
            {
                list.Add(VmSummary(vmId, vm));
            }
        }
        if (type is null or "node")
        {
            foreach ((string name, NodeRecord node) in nodes)
            {
                list.Add(new JsonObject
                {
                    ["id"] = $"node/{name}", ["type"] = "node", ["node"] = name, ["status"] = "online", ["level"] = "",
                    ["cgroup-mode"] = 2, ["uptime"] = Now() - node.StartTime, ["cpu"] = 0.0123, ["maxcpu"] = 8,
                    ["mem"] = 4294967296L, ["maxmem"] = 34359738368L, ["disk"] = 3221225472L, ["maxdisk"] = 100663296000L,
                });
            }
        }
        if (type is null or "storage")
        {
            foreach (string name in nodes.Select(n => n.Key))
            {
                list.Add(Storage(name, "local", "dir", "backup,vztmpl,iso"));
                list.Add(Storage(name, "local-lvm", "lvmthin", "images,rootdir"));
            }
        }
        return list;
    }

    private static JsonObject Storage(string node, string storage, string plugin, string content) => new()
    {
        ["id"] = $"storage/{node}/{storage}", ["type"] = "storage", ["storage"] = storage, ["node"] = node,
        ["plugintype"] = plugin, ["content"] = content, ["status"] = "available", ["shared"] = 0,
        ["disk"] = 3221225472L, ["maxdisk"] = 100663296000L,
    };

    private JsonObject VmSummary(int vmId, VmRecord vm)
    {
        bool running = vms.IsRunning(vmId);
        var entry = new JsonObject
        {
            ["id"] = $"qemu/{vmId}", ["type"] = "qemu", ["vmid"] = vmId, ["name"] = vm.Config.GetValueOrDefault("name", ""),
            ["node"] = vm.Node, ["status"] = running ? "running" : "stopped", ["template"] = 0,
            ["uptime"] = running ? Now() - vm.StartedAt : 0, ["cpu"] = running ? 0.0213 : 0, ["maxcpu"] = 2,
            ["mem"] = running ? 912261120L : 0, ["maxmem"] = MaxMem, ["disk"] = 0, ["maxdisk"] = MaxDisk,
            ["diskread"] = 0, ["diskwrite"] = 0, ["netin"] = 0, ["netout"] = 0,
        };
        if (store.Read(s => PveHa.ResourceOf(s, vmId)) is HaResourceRecord ha)
        {
            entry["hastate"] = ha.State;
        }
        return entry;
    }

    private JsonObject VmStatus(string node, int vmId)
    {
        (VmRecord vm, HaResourceRecord? ha) = store.Read(s =>
            (PveStore.RequireVm(s, node, vmId), PveHa.ResourceOf(s, vmId)));
        bool running = vms.IsRunning(vmId);
        var status = new JsonObject
        {
            ["vmid"] = vmId, ["name"] = vm.Config.GetValueOrDefault("name", ""),
            ["status"] = running ? "running" : "stopped", ["qmpstatus"] = running ? "running" : "stopped",
            ["uptime"] = running ? Now() - vm.StartedAt : 0, ["cpus"] = 2, ["cpu"] = running ? 0.0213 : 0,
            ["maxmem"] = MaxMem, ["mem"] = running ? 912261120L : 0, ["maxdisk"] = MaxDisk, ["disk"] = 0,
            ["diskread"] = 0, ["diskwrite"] = 0, ["netin"] = 0, ["netout"] = 0,
            ["ha"] = ha is null ? new JsonObject { ["managed"] = 0 } : new JsonObject { ["managed"] = 1, ["state"] = ha.State },
        };
        if (running)
        {
            status["pid"] = 4000 + vmId;
            status["running-qemu"] = "9.2.0";
            status["running-machine"] = "pc-i440fx-9.2+pve0";
        }
        return status;
    }

    private JsonObject VmConfig(string node, int vmId)
    {
        VmRecord vm = store.Read(s => PveStore.RequireVm(s, node, vmId));
        var config = new JsonObject();
        foreach ((string key, string value) in vm.Config)
        {
            config[key] = IntegerConfigKeys.Contains(key) && int.TryParse(value, out int number) ? JsonValue.Create(number) : JsonValue.Create(value);
        }
        config["digest"] = PveStore.Digest(vm.Config);
        return config;
    }

    private async Task<JsonNode?> UpdateConfigAsync(PveRequest r, string node, int vmId, bool asTask, CancellationToken ct)
    {
        string[] deletes = (r.Get("delete") ?? "").Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries);
        var changes = r.Parameters
            .Where(p => p.Key is not ("digest" or "delete" or "skiplock" or "background_delay" or "node" or "vmid"))
            .ToDictionary(p => p.Key, p => p.Key.StartsWith("net", StringComparison.Ordinal) ? NormalizeNet(p.Key, p.Value) : p.Value);
        foreach (string key in changes.Keys.Concat(deletes))
        {
            Require(r, $"/vms/{vmId}", key.StartsWith("net", StringComparison.Ordinal) ? "VM.Config.Network" : "VM.Config.Options");
        }
        bool running = vms.IsRunning(vmId);
        // Links to flip at once (QMP set_link) when link_down of an existing NIC changes on a running VM.
        List<(int Index, bool Up)> links = store.Update(s =>
        {
            VmRecord vm = PveStore.RequireVm(s, node, vmId);
            if (r.Get("digest") is string digest && digest != PveStore.Digest(vm.Config))
            {
                throw new PveError(500, "detected modified configuration - file changed by other user? Try again.");
            }
            var flips = new List<(int, bool)>();
            foreach ((string key, string value) in changes)
            {
                bool wasDown = LinkDown(vm.Config.GetValueOrDefault(key));
                bool isDown = LinkDown(value);
                if (running && key.StartsWith("net", StringComparison.Ordinal) && vm.Config.ContainsKey(key) && wasDown != isDown)
                {
                    flips.Add((int.Parse(key[3..], CultureInfo.InvariantCulture), !isDown));
                }
                vm.Config[key] = value;
            }
            foreach (string key in deletes)
            {
                vm.Config.Remove(key);
            }
            return flips;
        });
        if (!asTask)
        {
            foreach ((int index, bool up) in links)
            {
                await vms.SetLinkAsync(vmId, index, up, ct).ConfigureAwait(false);
            }
            return null;
        }
        return tasks.Start(node, "qmconfig", vmId.ToString(CultureInfo.InvariantCulture), r.Token, async (log, stopping) =>
        {
            foreach ((int index, bool up) in links)
            {
                log($"set link net{index} {(up ? "up" : "down")}");
                await vms.SetLinkAsync(vmId, index, up, stopping).ConfigureAwait(false);
            }
        });
    }

    internal static bool LinkDown(string? net) =>
        net is not null && net.Split(',').Any(part => part is "link_down=1" or "link_down=on" or "link_down=yes" or "link_down=true");

    /// <summary>Validates a netN property string and prints it as qemu-server does (model=MAC first, keys sorted).</summary>
    private static string NormalizeNet(string key, string value)
    {
        if (!Regex.IsMatch(key, @"^net\d+$", RegexOptions.CultureInvariant))
        {
            throw PveError.Parameter(key, "property is not defined in schema and the schema does not allow additional properties");
        }
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? model = null;
        foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = part.Split('=', 2);
            string k = kv[0].Trim();
            string v = kv.Length > 1 ? kv[1].Trim() : "";
            if (NicModels.Contains(k))
            {
                model = $"{k}={v.ToUpperInvariant()}";
            }
            else if (NicKeys.Contains(k))
            {
                parts[k] = v;
            }
            else
            {
                throw PveError.Parameter(key, $"invalid format - format error\n{key}.{k}: property is not defined in schema and the schema does not allow additional properties");
            }
        }
        if (model is null)
        {
            throw PveError.Parameter(key, $"invalid format - format error\n{key}.model: property is missing and it is not optional");
        }
        return string.Join(',', parts.Select(p => $"{p.Key}={p.Value}").Prepend(model));
    }

    private JsonArray Network(string node, string? type)
    {
        JsonArray all = files.ReadNetwork(node);
        IEnumerable<JsonNode?> selected = type switch
        {
            null or "any" => all,
            "any_bridge" or "any_local_bridge" => all.Where(i => (string?)i?["type"] is "bridge" or "OVSBridge"),
            _ => all.Where(i => (string?)i?["type"] == type),
        };
        return new JsonArray(selected.Select(i => i?.DeepClone()).ToArray());
    }

    internal static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
