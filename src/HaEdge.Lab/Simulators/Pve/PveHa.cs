using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>
/// <c>/cluster/ha/*</c> as pve-ha-manager answers it on the profile's Proxmox VE major (sources and texts in
/// docs/design/contract.md §3):
/// <list type="bullet">
/// <item>PVE 9 (pve-ha-manager 5.x, master b71218f): HA rules; <c>create_rule</c> refuses resources that are not in
/// resources.cfg; a falsy <c>disable</c> is ignored (c060bc4), <c>delete=disable</c> enables; HA groups refused as
/// migrated, which is always true here because the lab has none (Config.pm have_groups_been_migrated); deleting a
/// resource removes it from the rules (purge, default 1, c952c63).</item>
/// <item>PVE 8 (pve-ha-manager 4.0.7, 53d8e48): no rules (pve-manager answers 501, <see cref="PveApi"/>'s default);
/// HA groups with nodes, restricted, nofailback, comment; resources take a group.</item>
/// </list>
/// </summary>
internal sealed class PveHa
{
    // pve-configid (PVE::JSONSchema), the format of rule and group ids.
    private static readonly Regex ConfigIdPattern = new(@"^[a-z][a-z0-9_\-]+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex HaResourcesPattern = new(@"^(vm|ct):\d+(,(vm|ct):\d+)*$", RegexOptions.CultureInvariant);

    // pve_verify_ha_group_node (PVE::HA::Tools): a node name with an optional :priority.
    private static readonly Regex GroupNodePattern = new(@"^[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?(:\d+)?$", RegexOptions.CultureInvariant);

    private const string Migrated = "ha groups have been migrated to rules";

    private readonly PveStore store;
    private readonly PveFiles files;
    private readonly LabProfile profile;
    private readonly string localNode;

    public PveHa(PveStore store, PveFiles files, LabProfile profile, string localNode)
    {
        this.store = store;
        this.files = files;
        this.profile = profile;
        this.localNode = localNode;
    }

    /// <summary>One call below /cluster/ha; <paramref name="path"/> is what follows it.</summary>
    public JsonNode? Handle(PveRequest r, string[] path)
    {
        switch (r.Method, path)
        {
            case ("GET", ["resources"]):
                Require(r, "Sys.Audit");
                return Resources(r.Get("type"));
            case ("GET", ["resources", var sid]):
                Require(r, "Sys.Audit");
                return Resources(null).FirstOrDefault(h => (string?)h?["sid"] == Sid(sid))?.DeepClone()
                    ?? throw new PveError(500, $"no such resource '{Sid(sid)}'");
            case ("POST", ["resources"]):
                Require(r, "Sys.Console");
                CreateResource(r);
                return null;
            case ("PUT", ["resources", var sid]):
                Require(r, "Sys.Console");
                UpdateResource(r, Sid(sid));
                return null;
            case ("DELETE", ["resources", var sid]):
                Require(r, "Sys.Console");
                DeleteResource(Sid(sid), r.Get("purge") is not string purge || Flag("purge", purge) == 1);
                return null;
            case ("GET", ["status", "current"]):
                Require(r, "Sys.Audit");
                return Status();
            case (_, ["groups", ..]) when profile.HaRules:
                Require(r, r.Method == "GET" ? "Sys.Audit" : "Sys.Console");
                throw new PveError(500, (r.Method, path.Length) switch
                {
                    ("GET", 1) => "cannot index groups: " + Migrated,
                    ("GET", _) => "cannot read group: " + Migrated,
                    ("POST", _) => "cannot create group: " + Migrated,
                    ("PUT", _) => "cannot update group: " + Migrated,
                    _ => "cannot delete group: " + Migrated,
                });
            case ("GET", ["groups"]):
                Require(r, "Sys.Audit");
                return store.Read(s => new JsonArray(s.HaGroups.OrderBy(g => g.Group, StringComparer.Ordinal).Select(g => (JsonNode)GroupJson(g, s)).ToArray()));
            case ("GET", ["groups", var group]):
                Require(r, "Sys.Audit");
                return store.Read(s => GroupJson(s.HaGroups.FirstOrDefault(g => g.Group == group) ?? throw new PveError(500, $"no such ha group '{group}'"), s));
            case ("POST", ["groups"]):
                Require(r, "Sys.Console");
                CreateGroup(r);
                return null;
            case ("PUT", ["groups", var group]):
                Require(r, "Sys.Console");
                UpdateGroup(r, group);
                return null;
            case ("DELETE", ["groups", var group]):
                Require(r, "Sys.Console");
                DeleteGroup(group);
                return null;
            case ("GET", ["rules"]) when profile.HaRules:
                Require(r, "Sys.Audit");
                return Rules(r.Get("type"), r.Get("resource"));
            case ("POST", ["rules"]) when profile.HaRules:
                Require(r, "Sys.Console");
                CreateRule(r);
                return null;
            case ("GET", ["rules", var rule]) when profile.HaRules:
                Require(r, "Sys.Audit");
                return store.Read(s => RuleJson(s.HaRules.FirstOrDefault(h => h.Rule == rule) ?? throw new PveError(500, $"no such ha rule '{rule}'"), s));
            case ("PUT", ["rules", var rule]) when profile.HaRules:
                Require(r, "Sys.Console");
                UpdateRule(r, rule);
                return null;
            case ("DELETE", ["rules", var rule]) when profile.HaRules:
                // delete_rule removes whatever has that id, and nothing when none has.
                Require(r, "Sys.Console");
                store.Update(s => s.HaRules.RemoveAll(h => h.Rule == rule));
                return null;
            default:
                throw PveApi.NotImplemented(r);
        }
    }

    /// <summary>The HA resource of a VM, or null when the VM is not HA-managed.</summary>
    public static HaResourceRecord? ResourceOf(ClusterState state, int vmId) => state.HaResources.FirstOrDefault(h => h.Sid == $"vm:{vmId}");

    private static void Require(PveRequest r, string privilege) => PveTokens.Require(r.Token, "/", privilege);

    /// <summary>die "$errmsg: $err" of PVE::HA::Config::lock_ha_domain: errors inside the HA lock carry the call's prefix.</summary>
    private T Locked<T>(string prefix, Func<ClusterState, T> update)
    {
        try
        {
            return store.Update(update);
        }
        catch (PveError error) when (error.Status == 500)
        {
            throw new PveError(500, $"{prefix}: {error.Message}");
        }
    }

    private JsonArray Resources(string? type) => store.Read(s => new JsonArray(s.HaResources
        .Where(h => type is null || h.Sid.StartsWith(type + ":", StringComparison.Ordinal))
        .Select(h =>
        {
            var entry = new JsonObject
            {
                ["sid"] = h.Sid, ["type"] = h.Sid.Split(':')[0], ["state"] = h.State,
                ["max_restart"] = h.MaxRestart, ["max_relocate"] = h.MaxRelocate, ["digest"] = Digest(s),
            };
            if (profile.HaRules)
            {
                entry["failback"] = h.Failback;
            }
            else if (h.Group is not null)
            {
                entry["group"] = h.Group;
                if (s.HaGroups.All(g => g.Group != h.Group))
                {
                    entry["errors"] = new JsonObject { ["group"] = $"group '{h.Group}' does not exist" };
                }
            }
            if (h.Comment is not null)
            {
                entry["comment"] = h.Comment;
            }
            return (JsonNode)entry;
        }).ToArray()));

    private JsonArray Status() => store.Read(s =>
    {
        long now = PveApi.Now();
        string master = s.Nodes.Keys.First();
        var list = new JsonArray
        {
            new JsonObject { ["id"] = "quorum", ["type"] = "quorum", ["node"] = localNode, ["status"] = "OK", ["quorate"] = 1 },
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
            string mode = files.InHaMaintenance(node) ? "maintenance mode" : active ? "active" : "idle";
            list.Add(new JsonObject
            {
                ["id"] = $"lrm:{node}", ["type"] = "lrm", ["node"] = node,
                ["status"] = $"{node} ({mode}, {Stamp(now)})", ["timestamp"] = now,
            });
        }
        foreach (HaResourceRecord h in s.HaResources)
        {
            string node = s.Vms.TryGetValue(VmIdOf(h.Sid), out VmRecord? vm) ? vm.Node : master;
            var service = new JsonObject
            {
                ["id"] = $"service:{h.Sid}", ["type"] = "service", ["sid"] = h.Sid, ["node"] = node, ["state"] = h.State,
                ["crm_state"] = h.State, ["request_state"] = h.State, ["status"] = $"{h.Sid} ({node}, {h.State})",
                ["max_restart"] = h.MaxRestart, ["max_relocate"] = h.MaxRelocate,
            };
            if (profile.HaRules)
            {
                service["failback"] = h.Failback;
            }
            else if (h.Group is not null)
            {
                service["group"] = h.Group;
            }
            list.Add(service);
        }
        return list;
    });

    /// <summary>ha-manager add: the VM becomes HA-managed; power requests on it then go through the HA stack.</summary>
    private void CreateResource(PveRequest r)
    {
        string sid = Sid(Required(r, "sid"));
        var resource = new HaResourceRecord { Sid = sid, State = r.Get("state") ?? "started", Comment = r.Get("comment") };
        CheckState(resource.State);
        resource.MaxRestart = int.TryParse(r.Get("max_restart"), out int restart) ? restart : 1;
        resource.MaxRelocate = int.TryParse(r.Get("max_relocate"), out int relocate) ? relocate : 1;
        resource.Failback = r.Get("failback") is string failback ? Flag("failback", failback) : 1;
        if (r.Get("group") is string group)
        {
            // PVE 9 refuses the parameter once groups are migrated; PVE 8's create does not check that the group exists.
            if (profile.HaRules)
            {
                throw new PveError(500, "invalid parameter 'group': " + Migrated);
            }
            resource.Group = group;
        }
        if (!store.Read(s => s.Vms.ContainsKey(VmIdOf(sid))))
        {
            throw new PveError(500, $"unable to find VM '{VmIdOf(sid)}'");
        }
        Locked("create resource failed", s =>
        {
            if (s.HaResources.Any(h => h.Sid == sid))
            {
                throw new PveError(500, $"resource ID '{sid}' already defined");
            }
            s.HaResources.Add(resource);
            return 0;
        });
    }

    private void UpdateResource(PveRequest r, string sid)
    {
        if (r.Get("group") is string group && group.Length > 0)
        {
            if (profile.HaRules)
            {
                throw new PveError(500, "invalid parameter 'group': " + Migrated);
            }
            if (store.Read(s => s.HaGroups.All(g => g.Group != group)))
            {
                throw new PveError(500, $"HA group '{group}' does not exist");
            }
        }
        Locked("update resources config failed", s =>
        {
            CheckDigest(r, s);
            HaResourceRecord resource = s.HaResources.FirstOrDefault(h => h.Sid == sid) ?? throw new PveError(500, $"no such resource '{sid}'");
            if (r.Get("state") is string state)
            {
                CheckState(state);
                resource.State = state;
            }
            if (r.Get("group") is string newGroup)
            {
                resource.Group = newGroup;
            }
            if (r.Get("comment") is string comment)
            {
                resource.Comment = comment;
            }
            foreach (string key in Deletes(r))
            {
                switch (key)
                {
                    case "group" when !profile.HaRules: resource.Group = null; break;
                    case "comment": resource.Comment = null; break;
                    default: throw new PveError(500, $"no such option '{key}'");
                }
            }
            return 0;
        });
    }

    private void DeleteResource(string sid, bool purge)
    {
        if (store.Read(s => s.HaResources.All(h => h.Sid != sid)))
        {
            throw new PveError(500, $"cannot delete service '{sid}', not HA managed!");
        }
        Locked("delete resource failed", s => Remove(s, sid, purge));
    }

    private int Remove(ClusterState s, string sid, bool purge)
    {
        s.HaResources.RemoveAll(h => h.Sid == sid);
        if (purge && profile.HaRules)
        {
            foreach (HaRuleRecord rule in s.HaRules.ToList())
            {
                rule.Resources = string.Join(',', rule.Resources.Split(',').Where(r => r != sid));
                if (rule.Resources.Length == 0)
                {
                    s.HaRules.Remove(rule);
                }
            }
        }
        return 0;
    }

    private static void CheckState(string state)
    {
        if (state is not ("started" or "stopped" or "enabled" or "disabled" or "ignored"))
        {
            throw PveError.Parameter("state", $"value '{state}' does not have a value in the enumeration 'started, stopped, enabled, disabled, ignored'");
        }
    }

    private static JsonObject GroupJson(HaGroupRecord group, ClusterState state)
    {
        // Groups.pm's api_copy_config: the stored keys, the id, type "group" and the file's digest.
        var entry = new JsonObject { ["group"] = group.Group, ["type"] = "group", ["nodes"] = group.Nodes };
        if (group.Restricted is int restricted)
        {
            entry["restricted"] = restricted;
        }
        if (group.NoFailback is int noFailback)
        {
            entry["nofailback"] = noFailback;
        }
        if (group.Comment is not null)
        {
            entry["comment"] = group.Comment;
        }
        entry["digest"] = Digest(state);
        return entry;
    }

    private void CreateGroup(PveRequest r)
    {
        string id = ConfigId(r, "group");
        var group = new HaGroupRecord { Group = id };
        group.Nodes = Required(r, "nodes");
        ApplyGroupFields(r, group);
        Locked("create ha group failed", s =>
        {
            if (s.HaGroups.Any(g => g.Group == id))
            {
                throw new PveError(500, $"ha group ID '{id}' already defined");
            }
            s.HaGroups.Add(group);
            return 0;
        });
    }

    private void UpdateGroup(PveRequest r, string id) => Locked("update ha group failed", s =>
    {
        CheckDigest(r, s);
        HaGroupRecord group = s.HaGroups.FirstOrDefault(g => g.Group == id) ?? throw new PveError(500, $"no such ha group '{id}'");
        if (r.Get("nodes") is string nodes)
        {
            group.Nodes = nodes;
        }
        ApplyGroupFields(r, group);
        foreach (string key in Deletes(r))
        {
            switch (key)
            {
                case "restricted": group.Restricted = null; break;
                case "nofailback": group.NoFailback = null; break;
                case "comment": group.Comment = null; break;
                case "nodes": throw new PveError(500, "unable to delete required option 'nodes'");
                default: throw new PveError(500, $"no such option '{key}'");
            }
        }
        return 0;
    });

    private void DeleteGroup(string id) => Locked("delete ha group failed", s =>
    {
        if (s.HaResources.FirstOrDefault(h => h.Group == id) is HaResourceRecord user)
        {
            throw new PveError(500, $"ha group is used by service '{user.Sid}'");
        }
        s.HaGroups.RemoveAll(g => g.Group == id);
        return 0;
    });

    private static void ApplyGroupFields(PveRequest r, HaGroupRecord group)
    {
        if (group.Nodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is var items
            && (items.Length == 0 || items.Any(item => !GroupNodePattern.IsMatch(item))))
        {
            throw PveError.Parameter("nodes", "invalid format - value does not look like a valid ha group node");
        }
        if (r.Get("restricted") is string restricted)
        {
            group.Restricted = Flag("restricted", restricted);
        }
        if (r.Get("nofailback") is string noFailback)
        {
            group.NoFailback = Flag("nofailback", noFailback);
        }
        if (r.Get("comment") is string comment)
        {
            group.Comment = comment;
        }
    }

    private JsonArray Rules(string? type, string? resource) => store.Read(s => new JsonArray(s.HaRules
        .Where(h => type is null || h.Type == type)
        .Where(h => resource is null || h.Resources.Split(',').Contains(Sid(resource)))
        .OrderBy(h => h.Order)
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
        entry["order"] = rule.Order;
        entry["digest"] = Digest(state);
        return entry;
    }

    private void CreateRule(PveRequest r)
    {
        string id = ConfigId(r, "rule");
        var rule = new HaRuleRecord { Rule = id };
        rule.Type = Required(r, "type");
        if (rule.Type is not ("node-affinity" or "resource-affinity"))
        {
            throw PveError.Parameter("type", $"value '{rule.Type}' does not have a value in the enumeration 'node-affinity, resource-affinity'");
        }
        rule.Resources = Required(r, "resources");
        ApplyRuleFields(r, rule);
        if (rule.Type == "resource-affinity" && rule.Affinity is null)
        {
            throw PveError.Parameter("affinity", "property is missing and it is not optional");
        }
        if (rule.Type == "node-affinity" && rule.Nodes is null)
        {
            throw PveError.Parameter("nodes", "property is missing and it is not optional");
        }
        Locked("create ha rule failed", s =>
        {
            if (s.HaRules.Any(h => h.Rule == id))
            {
                throw new PveError(500, $"HA rule '{id}' already defined");
            }
            CheckRuleTargets(s, rule.Resources, rule.Nodes);
            rule.Order = s.HaRules.Select(h => h.Order).DefaultIfEmpty(0).Max() + 1;
            s.HaRules.Add(rule);
            return 0;
        });
    }

    private void UpdateRule(PveRequest r, string id) => Locked("update HA rules failed", s =>
    {
        CheckDigest(r, s);
        HaRuleRecord rule = s.HaRules.FirstOrDefault(h => h.Rule == id) ?? throw new PveError(500, $"HA rule '{id}' does not exist");
        if (r.Get("type") is string type && type != rule.Type)
        {
            throw PveError.Parameter("type", $"rule '{id}' is of type '{rule.Type}'");
        }
        if (r.Get("resources") is string resources)
        {
            rule.Resources = resources;
        }
        ApplyRuleFields(r, rule);
        // Only what the call sets is checked (9e28141): a rule naming a resource that left HA can still be edited.
        CheckRuleTargets(s, r.Get("resources"), r.Get("nodes"));
        foreach (string key in Deletes(r))
        {
            switch (key)
            {
                case "comment": rule.Comment = null; break;
                case "disable": rule.Disable = null; break;
                case "strict": rule.Strict = null; break;
                case "resources" or "nodes" or "affinity": throw new PveError(500, $"unable to delete required option '{key}'");
                default: throw new PveError(500, $"no such option '{key}'");
            }
        }
        return 0;
    });

    /// <summary>
    /// Rules.pm's assert_valid_resources_param and assert_valid_nodes_param: every resource must be in
    /// resources.cfg, every node must exist; the names are listed sorted, joined by ", ".
    /// </summary>
    private static void CheckRuleTargets(ClusterState s, string? resources, string? nodes)
    {
        string[] unmanaged = (resources ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Where(sid => s.HaResources.All(h => h.Sid != sid))
            .Distinct().OrderBy(sid => sid, StringComparer.Ordinal).ToArray();
        if (unmanaged.Length > 0)
        {
            throw new PveError(500, $"cannot use unmanaged resource(s) {string.Join(", ", unmanaged)}.");
        }
        string[] unknownNodes = (nodes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => item.Split(':')[0]).Where(node => !s.Nodes.ContainsKey(node))
            .Distinct().OrderBy(node => node, StringComparer.Ordinal).ToArray();
        if (unknownNodes.Length > 0)
        {
            throw new PveError(500, $"cannot use non-existent node(s) {string.Join(", ", unknownNodes)}.");
        }
    }

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
        // create_rule and update_rule drop a falsy disable before anything else (Rules.pm, c060bc4): only
        // delete=disable enables a disabled rule.
        if (r.Get("disable") is string disable && Flag("disable", disable) == 1)
        {
            rule.Disable = 1;
        }
    }

    private static string Required(PveRequest r, string name) =>
        r.Get(name) ?? throw PveError.Parameter(name, "property is missing and it is not optional");

    /// <summary>A required pve-configid parameter (a rule or group id).</summary>
    private static string ConfigId(PveRequest r, string name)
    {
        string id = Required(r, name);
        return ConfigIdPattern.IsMatch(id) ? id : throw PveError.Parameter(name, $"invalid format - invalid configuration ID '{id}'");
    }

    /// <summary>SectionConfig's assert_if_modified: a digest other than the file's refuses the write.</summary>
    private static void CheckDigest(PveRequest r, ClusterState s)
    {
        if (r.Get("digest") is string digest && digest != Digest(s))
        {
            throw new PveError(500, "detected modified configuration - file changed by other user? Try again.");
        }
    }

    /// <summary>The keys of <c>delete=a,b</c>.</summary>
    private static string[] Deletes(PveRequest r) =>
        (r.Get("delete") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Flag(string name, string value) => value switch
    {
        "1" or "true" or "on" or "yes" => 1,
        "0" or "false" or "off" or "no" => 0,
        _ => throw PveError.Parameter(name, $"type check ('boolean') failed - got '{value}'"),
    };

    /// <summary>A service id as PVE accepts it: "vm:101", or a bare VM id.</summary>
    private static string Sid(string text) => text.Contains(':', StringComparison.Ordinal) ? text : "vm:" + text;

    private static string Digest(ClusterState s) =>
        PveStore.Digest(s.HaRules.Select(h => new KeyValuePair<string, string>(h.Rule, $"{h.Type} {h.Resources} {h.Affinity}{h.Nodes}{h.Strict}{h.Comment}{h.Disable}"))
            .Concat(s.HaGroups.Select(g => new KeyValuePair<string, string>("group:" + g.Group, $"{g.Nodes} {g.Restricted}{g.NoFailback}{g.Comment}")))
            .Concat(s.HaResources.Select(h => new KeyValuePair<string, string>(h.Sid, $"{h.State} {h.Group}"))));

    private static int VmIdOf(string sid) => int.TryParse(sid.Split(':').Last(), out int id) ? id : 0;

    private static string Stamp(long unix) =>
        DateTimeOffset.FromUnixTimeSeconds(unix).ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture);
}
