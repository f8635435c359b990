using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Lab.Pve;

/// <summary>One authenticated API call: method, path segments after /api2/json, merged query and body parameters.</summary>
internal sealed record PveRequest(string Method, string[] Path, IReadOnlyDictionary<string, string> Parameters, PveToken Token)
{
    public string? Get(string name) => Parameters.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// The PVE 9 API paths HaEdge uses, answered from the shared cluster state and acted out through
/// <see cref="ILabVmControl"/>. Either node answers for the whole cluster, as pveproxy forwards to the owner node.
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

    private static readonly Regex RuleIdPattern = new(@"^[a-zA-Z][a-zA-Z0-9\-_\.]+$", RegexOptions.CultureInvariant);
    private static readonly Regex HaResourcesPattern = new(@"^(vm|ct):\d+(,(vm|ct):\d+)*$", RegexOptions.CultureInvariant);

    private const long MaxMem = 2147483648;
    private const long MaxDisk = 17179869184;

    private readonly PveStore _store;
    private readonly PveFiles _files;
    private readonly PveTasks _tasks;
    private readonly PveVmPower _power;
    private readonly ILabVmControl _vms;
    private readonly string _localNode;
    private readonly string _fingerprint;

    public PveApi(PveStore store, PveFiles files, PveTasks tasks, PveVmPower power, ILabVmControl vms, string localNode, string fingerprint)
    {
        _store = store;
        _files = files;
        _tasks = tasks;
        _power = power;
        _vms = vms;
        _localNode = localNode;
        _fingerprint = fingerprint;
    }

    public async Task<JsonNode?> HandleAsync(PveRequest r, CancellationToken ct)
    {
        switch (r.Method, r.Path)
        {
            case ("GET", ["version"]):
                return new JsonObject { ["version"] = "9.0.10", ["release"] = "9.0", ["repoid"] = "0fcd5d8b46a9b7d8" };
            case ("GET", ["cluster", "status"]):
                Require(r, "/", "Sys.Audit");
                return ClusterStatus();
            case ("GET", ["cluster", "resources"]):
                return Resources(r.Get("type"));
            case ("GET", ["nodes"]):
                return Nodes();
            case ("GET", ["nodes", var node, "qemu"]):
                RequireNode(node);
                return new JsonArray(_store.Read(s => s.Vms.Where(v => v.Value.Node == node).ToList())
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
                return _power.Request(r.Token, node, VmId(vmid), action);
            case ("GET", ["nodes", var node, "tasks", var upid, "status"]):
                RequireNode(node);
                return _tasks.Status(node, upid);
            case ("GET", ["nodes", var node, "tasks", var upid, "log"]):
                RequireNode(node);
                return _tasks.Log(node, upid);
            case ("GET", ["nodes", var node, "qemu", var vmid, "firewall", "options"]):
                Require(r, $"/vms/{vmid}", "VM.Audit");
                _store.Read(s => PveStore.RequireVm(s, node, VmId(vmid)));
                return _files.ReadFirewall(VmId(vmid));
            case ("PUT", ["nodes", var node, "qemu", var vmid, "firewall", "options"]):
                Require(r, $"/vms/{vmid}", "VM.Config.Network");
                _store.Read(s => PveStore.RequireVm(s, node, VmId(vmid)));
                _files.UpdateFirewall(VmId(vmid), r.Parameters);
                return null;
            case ("GET", ["nodes", var node, "network"]):
                Require(r, $"/nodes/{node}", "Sys.Audit");
                RequireNode(node);
                return Network(node, r.Get("type"));
            case ("GET", ["cluster", "ha", "resources"]):
                Require(r, "/", "Sys.Audit");
                return HaResources(r.Get("type"));
            case ("GET", ["cluster", "ha", "resources", var sid]):
                Require(r, "/", "Sys.Audit");
                return HaResources(null).FirstOrDefault(h => (string?)h?["sid"] == Sid(sid))?.DeepClone()
                    ?? throw new PveError(500, $"no such resource '{Sid(sid)}'");
            case ("POST", ["cluster", "ha", "resources"]):
                Require(r, "/", "Sys.Console");
                CreateHaResource(r);
                return null;
            case ("DELETE", ["cluster", "ha", "resources", var sid]):
                Require(r, "/", "Sys.Console");
                _store.Update(s => s.HaResources.RemoveAll(h => h.Sid == Sid(sid)) > 0
                    ? 0 : throw new PveError(500, $"cannot delete service '{Sid(sid)}', not HA managed!"));
                return null;
            case ("GET", ["cluster", "ha", "status", "current"]):
                Require(r, "/", "Sys.Audit");
                return HaStatus();
            case ("GET" or "POST", ["cluster", "ha", "groups", ..]):
                Require(r, "/", "Sys.Audit");
                throw new PveError(500, "ha groups have been migrated to rules");
            case ("GET", ["cluster", "ha", "rules"]):
                Require(r, "/", "Sys.Audit");
                return HaRules(r.Get("type"), r.Get("resource"));
            case ("POST", ["cluster", "ha", "rules"]):
                Require(r, "/", "Sys.Console");
                CreateRule(r);
                return null;
            case ("GET", ["cluster", "ha", "rules", var rule]):
                Require(r, "/", "Sys.Audit");
                return _store.Read(s => RuleJson(FindRule(s, rule), s));
            case ("PUT", ["cluster", "ha", "rules", var rule]):
                Require(r, "/", "Sys.Console");
                UpdateRule(r, rule);
                return null;
            case ("DELETE", ["cluster", "ha", "rules", var rule]):
                Require(r, "/", "Sys.Console");
                _store.Update(s => s.HaRules.Remove(FindRule(s, rule)));
                return null;
            default:
                throw new PveError(501, $"Method '{r.Method} /{string.Join('/', r.Path)}' not implemented");
        }
    }

    private static void Require(PveRequest r, string aclPath, string privilege) => PveTokens.Require(r.Token, aclPath, privilege);

    private static int VmId(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id >= 100
            ? id
            : throw PveError.Parameter("vmid", "invalid format - value does not look like a valid VM ID");

    private void RequireNode(string node)
    {
        if (!_store.Read(s => s.Nodes.ContainsKey(node)))
        {
            throw new PveError(500, $"hostname lookup '{node}' failed - failed to get address info for: {node}: Name or service not known");
        }
    }

    private JsonArray ClusterStatus() => _store.Read(s =>
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
                ["local"] = name == _localNode ? 1 : 0, ["online"] = 1, ["level"] = "",
            });
        }
        return list;
    });

    private JsonArray Nodes() => _store.Read(s => new JsonArray(s.Nodes.Select(n => (JsonNode)new JsonObject
    {
        ["node"] = n.Key, ["id"] = $"node/{n.Key}", ["type"] = "node", ["status"] = "online", ["level"] = "",
        ["ssl_fingerprint"] = _fingerprint, ["uptime"] = Now() - n.Value.StartTime, ["cpu"] = 0.0123, ["maxcpu"] = 8,
        ["mem"] = 4294967296L, ["maxmem"] = 34359738368L, ["disk"] = 3221225472L, ["maxdisk"] = 100663296000L,
    }).ToArray()));

    private JsonArray Resources(string? type)
    {
        var list = new JsonArray();
        List<KeyValuePair<int, VmRecord>> vms = _store.Read(s => s.Vms.ToList());
        List<KeyValuePair<string, NodeRecord>> nodes = _store.Read(s => s.Nodes.ToList());
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
        bool running = _vms.IsRunning(vmId);
        var entry = new JsonObject
        {
            ["id"] = $"qemu/{vmId}", ["type"] = "qemu", ["vmid"] = vmId, ["name"] = vm.Config.GetValueOrDefault("name", ""),
            ["node"] = vm.Node, ["status"] = running ? "running" : "stopped", ["template"] = 0,
            ["uptime"] = running ? Now() - vm.StartedAt : 0, ["cpu"] = running ? 0.0213 : 0, ["maxcpu"] = 2,
            ["mem"] = running ? 912261120L : 0, ["maxmem"] = MaxMem, ["disk"] = 0, ["maxdisk"] = MaxDisk,
            ["diskread"] = 0, ["diskwrite"] = 0, ["netin"] = 0, ["netout"] = 0,
        };
        if (_store.Read(s => s.HaResources.FirstOrDefault(h => h.Sid == $"vm:{vmId}")) is HaResourceRecord ha)
        {
            entry["hastate"] = ha.State;
        }
        return entry;
    }

    private JsonObject VmStatus(string node, int vmId)
    {
        (VmRecord vm, HaResourceRecord? ha) = _store.Read(s =>
            (PveStore.RequireVm(s, node, vmId), s.HaResources.FirstOrDefault(h => h.Sid == $"vm:{vmId}")));
        bool running = _vms.IsRunning(vmId);
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
        VmRecord vm = _store.Read(s => PveStore.RequireVm(s, node, vmId));
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
        bool running = _vms.IsRunning(vmId);
        // Links to flip at once (QMP set_link) when link_down of an existing NIC changes on a running VM.
        List<(int Index, bool Up)> links = _store.Update(s =>
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
                await _vms.SetLinkAsync(vmId, index, up, ct).ConfigureAwait(false);
            }
            return null;
        }
        return _tasks.Start(node, "qmconfig", vmId.ToString(CultureInfo.InvariantCulture), r.Token, async (log, stopping) =>
        {
            foreach ((int index, bool up) in links)
            {
                log($"set link net{index} {(up ? "up" : "down")}");
                await _vms.SetLinkAsync(vmId, index, up, stopping).ConfigureAwait(false);
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
        JsonArray all = _files.ReadNetwork(node);
        IEnumerable<JsonNode?> selected = type switch
        {
            null or "any" => all,
            "any_bridge" or "any_local_bridge" => all.Where(i => (string?)i?["type"] is "bridge" or "OVSBridge"),
            _ => all.Where(i => (string?)i?["type"] == type),
        };
        return new JsonArray(selected.Select(i => i?.DeepClone()).ToArray());
    }

    private JsonArray HaResources(string? type) => _store.Read(s => new JsonArray(s.HaResources
        .Where(h => type is null || h.Sid.StartsWith(type + ":", StringComparison.Ordinal))
        .Select(h =>
        {
            var entry = new JsonObject
            {
                ["sid"] = h.Sid, ["type"] = h.Sid.Split(':')[0], ["state"] = h.State, ["failback"] = h.Failback,
                ["max_restart"] = h.MaxRestart, ["max_relocate"] = h.MaxRelocate, ["digest"] = HaDigest(s),
            };
            if (h.Comment is not null)
            {
                entry["comment"] = h.Comment;
            }
            return (JsonNode)entry;
        }).ToArray()));

    private JsonArray HaStatus() => _store.Read(s =>
    {
        long now = Now();
        string master = s.Nodes.Keys.First();
        var list = new JsonArray
        {
            new JsonObject { ["id"] = "quorum", ["type"] = "quorum", ["node"] = _localNode, ["status"] = "OK", ["quorate"] = 1 },
            new JsonObject
            {
                ["id"] = "master", ["type"] = "master", ["node"] = master, ["status"] = $"{master} (active, {Stamp(now)})",
                ["timestamp"] = now,
            },
        };
        foreach (string node in s.Nodes.Keys)
        {
            bool active = s.HaResources.Any(h => s.Vms.TryGetValue(VmIdOf(h.Sid), out VmRecord? vm) && vm.Node == node);
            // PVE's Status.pm shows an LRM whose mode is not active by its mode, whatever its state.
            string mode = _files.InHaMaintenance(node) ? "maintenance mode" : active ? "active" : "idle";
            list.Add(new JsonObject
            {
                ["id"] = $"lrm:{node}", ["type"] = "lrm", ["node"] = node,
                ["status"] = $"{node} ({mode}, {Stamp(now)})", ["timestamp"] = now,
            });
        }
        foreach (HaResourceRecord h in s.HaResources)
        {
            string node = s.Vms.TryGetValue(VmIdOf(h.Sid), out VmRecord? vm) ? vm.Node : master;
            list.Add(new JsonObject
            {
                ["id"] = $"service:{h.Sid}", ["type"] = "service", ["sid"] = h.Sid, ["node"] = node, ["state"] = h.State,
                ["crm_state"] = h.State, ["request_state"] = h.State, ["status"] = $"{h.Sid} ({node}, {h.State})",
                ["failback"] = h.Failback, ["max_restart"] = h.MaxRestart, ["max_relocate"] = h.MaxRelocate,
            });
        }
        return list;
    });

    private JsonArray HaRules(string? type, string? resource) => _store.Read(s => new JsonArray(s.HaRules
        .Where(h => type is null || h.Type == type)
        .Where(h => resource is null || h.Resources.Split(',').Contains(resource))
        .Select(h => (JsonNode)RuleJson(h, s)).ToArray()));

    private static JsonObject RuleJson(HaRuleRecord rule, ClusterState state)
    {
        var entry = new JsonObject { ["rule"] = rule.Rule, ["type"] = rule.Type, ["resources"] = rule.Resources };
        if (rule.Affinity is not null)
        {
            entry["affinity"] = rule.Affinity;
        }
        if (rule.Nodes is not null)
        {
            entry["nodes"] = rule.Nodes;
            entry["strict"] = rule.Strict ?? 0;
        }
        if (rule.Comment is not null)
        {
            entry["comment"] = rule.Comment;
        }
        if (rule.Disable is int disable)
        {
            entry["disable"] = disable;
        }
        entry["digest"] = HaDigest(state);
        return entry;
    }

    /// <summary>ha-manager add: the VM becomes HA-managed; power requests on it then go through the HA stack.</summary>
    private void CreateHaResource(PveRequest r)
    {
        string sid = Sid(r.Get("sid") ?? throw PveError.Parameter("sid", "property is missing and it is not optional"));
        var resource = new HaResourceRecord { Sid = sid, State = r.Get("state") ?? "started", Comment = r.Get("comment") };
        if (resource.State is not ("started" or "stopped" or "enabled" or "disabled" or "ignored"))
        {
            throw PveError.Parameter("state", $"value '{resource.State}' does not have a value in the enumeration 'started, stopped, enabled, disabled, ignored'");
        }
        resource.MaxRestart = int.TryParse(r.Get("max_restart"), out int restart) ? restart : 1;
        resource.MaxRelocate = int.TryParse(r.Get("max_relocate"), out int relocate) ? relocate : 1;
        resource.Failback = r.Get("failback") is string failback ? Flag("failback", failback) : 1;
        _store.Update(s =>
        {
            if (!s.Vms.ContainsKey(VmIdOf(sid)))
            {
                throw new PveError(500, $"unable to find VM '{VmIdOf(sid)}'");
            }
            if (s.HaResources.Any(h => h.Sid == sid))
            {
                throw new PveError(500, $"resource ID '{sid}' already defined");
            }
            s.HaResources.Add(resource);
            return 0;
        });
    }

    /// <summary>A service id as PVE accepts it: "vm:101", or a bare VM id.</summary>
    private static string Sid(string text) => text.Contains(':', StringComparison.Ordinal) ? text : "vm:" + text;

    private void CreateRule(PveRequest r)
    {
        string id = r.Get("rule") ?? throw PveError.Parameter("rule", "property is missing and it is not optional");
        if (!RuleIdPattern.IsMatch(id))
        {
            throw PveError.Parameter("rule", $"invalid format - invalid configuration ID '{id}'");
        }
        var rule = new HaRuleRecord { Rule = id };
        rule.Type = r.Get("type") ?? throw PveError.Parameter("type", "property is missing and it is not optional");
        if (rule.Type is not ("node-affinity" or "resource-affinity"))
        {
            throw PveError.Parameter("type", $"value '{rule.Type}' does not have a value in the enumeration 'node-affinity, resource-affinity'");
        }
        rule.Resources = r.Get("resources") ?? throw PveError.Parameter("resources", "property is missing and it is not optional");
        ApplyRuleFields(r, rule);
        if (rule.Type == "resource-affinity" && rule.Affinity is null)
        {
            throw PveError.Parameter("affinity", "property is missing and it is not optional");
        }
        if (rule.Type == "node-affinity" && rule.Nodes is null)
        {
            throw PveError.Parameter("nodes", "property is missing and it is not optional");
        }
        _store.Update(s =>
        {
            if (s.HaRules.Any(h => h.Rule == id))
            {
                throw new PveError(500, $"ha rule '{id}' already defined");
            }
            s.HaRules.Add(rule);
            return 0;
        });
    }

    private void UpdateRule(PveRequest r, string id) => _store.Update(s =>
    {
        HaRuleRecord rule = FindRule(s, id);
        if (r.Get("digest") is string digest && digest != HaDigest(s))
        {
            throw new PveError(500, "detected modified configuration - file changed by other user? Try again.");
        }
        if (r.Get("type") is string type && type != rule.Type)
        {
            throw PveError.Parameter("type", $"rule '{id}' is of type '{rule.Type}'");
        }
        foreach (string key in (r.Get("delete") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (key.Trim())
            {
                case "comment": rule.Comment = null; break;
                case "disable": rule.Disable = null; break;
                case "strict": rule.Strict = null; break;
                default: throw PveError.Parameter("delete", $"cannot delete required property '{key}'");
            }
        }
        if (r.Get("resources") is string resources)
        {
            rule.Resources = resources;
        }
        ApplyRuleFields(r, rule);
        return 0;
    });

    private static void ApplyRuleFields(PveRequest r, HaRuleRecord rule)
    {
        if (!HaResourcesPattern.IsMatch(rule.Resources))
        {
            throw PveError.Parameter("resources", $"invalid format - value '{rule.Resources}' does not look like a valid HA resource id");
        }
        if (r.Get("affinity") is string affinity)
        {
            if (rule.Type != "resource-affinity" || affinity is not ("positive" or "negative"))
            {
                throw PveError.Parameter("affinity", "value does not have a value in the enumeration 'positive, negative'");
            }
            rule.Affinity = affinity;
        }
        if (r.Get("nodes") is string nodes)
        {
            rule.Nodes = nodes;
        }
        if (r.Get("strict") is string strict)
        {
            rule.Strict = Flag("strict", strict);
        }
        if (r.Get("comment") is string comment)
        {
            rule.Comment = comment;
        }
        if (r.Get("disable") is string disable)
        {
            rule.Disable = Flag("disable", disable);
        }
    }

    private static int Flag(string name, string value) => value switch
    {
        "1" or "true" or "on" or "yes" => 1,
        "0" or "false" or "off" or "no" => 0,
        _ => throw PveError.Parameter(name, $"type check ('boolean') failed - got '{value}'"),
    };

    private static HaRuleRecord FindRule(ClusterState s, string id) =>
        s.HaRules.FirstOrDefault(h => h.Rule == id) ?? throw new PveError(500, $"no such ha rule '{id}'");

    private static string HaDigest(ClusterState s) =>
        PveStore.Digest(s.HaRules.Select(h => new KeyValuePair<string, string>(h.Rule, $"{h.Type} {h.Resources} {h.Affinity}{h.Nodes}{h.Strict}{h.Comment}{h.Disable}"))
            .Concat(s.HaResources.Select(h => new KeyValuePair<string, string>(h.Sid, h.State))));

    private static int VmIdOf(string sid) => int.TryParse(sid.Split(':').Last(), out int id) ? id : 0;

    private static string Stamp(long unix) =>
        DateTimeOffset.FromUnixTimeSeconds(unix).ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
