using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Checks;

/// <summary>
/// The HA writes that keep the pair apart, only where the cluster accepts them and nothing moves a VM:
/// PVE 9, both VMs HA resources: create a negative resource-affinity rule, or enable the one there is;
/// PVE 8 (no rules), both VMs HA resources: bind each to a restricted HA group of its current node.
/// VMs outside HA need nothing, and Proxmox VE refuses HA rules and groups for them.
/// </summary>
internal sealed class AntiAffinityRepair
{
    private AntiAffinityRepair(string action, string commands, HaRule? rule, bool create, IReadOnlyList<HaGroup> groups,
        IReadOnlyDictionary<string, string> bindings)
    {
        Action = action;
        Commands = commands;
        Rule = rule;
        Create = create;
        Groups = groups;
        Bindings = bindings;
    }

    /// <summary>PVE 9: the rule as it should be written; null on PVE 8.</summary>
    public HaRule? Rule { get; }

    /// <summary>True to POST a new rule, false to PUT the existing one.</summary>
    public bool Create { get; }

    /// <summary>PVE 8: the restricted single-node HA groups to create.</summary>
    public IReadOnlyList<HaGroup> Groups { get; }

    /// <summary>PVE 8: HA resource (<c>vm:101</c>) → the group to bind it to.</summary>
    public IReadOnlyDictionary<string, string> Bindings { get; }

    /// <summary>What the write does, as ShouldProcess shows it.</summary>
    public string Action { get; }

    /// <summary>The same change as ha-manager commands, for the admin who makes it by hand.</summary>
    public string Commands { get; }

    /// <summary>The id HaEdge gives the rule it creates, e.g. <c>haedge-101-102-apart</c>.</summary>
    public static string RuleIdFor(AntiAffinityFacts facts) =>
        string.Format(CultureInfo.InvariantCulture, "haedge-{0}-{1}-apart", facts.Primary.VmId, facts.Secondary.VmId);

    /// <summary>The id of the group HaEdge pins a VM with on PVE 8, e.g. <c>haedge-101-pve1</c>.</summary>
    public static string GroupIdFor(HaEdgeVm vm) =>
        string.Format(CultureInfo.InvariantCulture, "haedge-{0}-{1}", vm.VmId, vm.Node);

    /// <summary>
    /// The writes that fix the HA setup, or null when nothing needs writing (the pair is kept apart, or neither VM is
    /// in HA). Throws <see cref="HaEdgeException"/> when no safe write exists: only one VM in HA (HaEdge does not
    /// decide which VMs belong in HA), a rule or group HaEdge did not make in the way, or both VMs on one node as
    /// HA resources (the write would make HA migrate one of them).
    /// </summary>
    public static AntiAffinityRepair? Plan(AntiAffinityFacts facts)
    {
        if (facts == null) throw new ArgumentNullException(nameof(facts));
        string pair = AntiAffinityCheck.Sid(facts.Primary.VmId) + "," + AntiAffinityCheck.Sid(facts.Secondary.VmId);
        IReadOnlyList<HaEdgeVm> managed = AntiAffinityCheck.ManagedVms(facts);
        if (managed.Count == 0 || AntiAffinityCheck.PinnedApart(facts))
        {
            return null;
        }
        if (managed.Count == 1)
        {
            HaEdgeVm inHa = managed[0];
            HaEdgeVm outside = facts.Vms.First(vm => vm.VmId != inHa.VmId);
            throw new HaEdgeException("AntiAffinityRepairNeedsBothInHa", FailureKind.InvalidOperation,
                $"Only {inHa.Firewall} ({AntiAffinityCheck.Sid(inHa.VmId)}) is an HA resource: Proxmox VE keeps apart HA resources only, and HaEdge does not decide which VMs belong in HA. "
                + $"Take it out of HA (ha-manager remove {AntiAffinityCheck.Sid(inHa.VmId)}), or add {outside.Firewall} (ha-manager add {AntiAffinityCheck.Sid(outside.VmId)} --state started) and repair again.", pair);
        }
        if (string.Equals(facts.Primary.Node, facts.Secondary.Node, StringComparison.OrdinalIgnoreCase) && AntiAffinityCheck.RecoverableResources(facts).Any())
        {
            // HA enforces a negative rule or a pin by moving a running resource away: that would be a migration.
            throw new HaEdgeException("AntiAffinityRepairWouldMigrate", FailureKind.InvalidOperation,
                $"Both VMs run on {facts.Primary.Node} as HA resources: keeping them apart now would make HA migrate one of them, and HaEdge never migrates a VM on its own. Migrate one back to its node first, then repair.", pair);
        }
        return facts.HaRules == null ? PlanGroups(facts, pair) : PlanRule(facts, pair);
    }

    /// <summary>Writes the planned change: the rule, or the groups and then the bindings.</summary>
    public async Task ApplyAsync(IProxmoxClient proxmox, CancellationToken cancellationToken)
    {
        if (proxmox == null) throw new ArgumentNullException(nameof(proxmox));
        if (Rule != null)
        {
            await (Create ? proxmox.CreateHaRuleAsync(Rule, cancellationToken) : proxmox.UpdateHaRuleAsync(Rule, cancellationToken)).ConfigureAwait(false);
        }
        // Groups first: a group no resource uses changes nothing, so a failure in between leaves HA as it was.
        foreach (HaGroup group in Groups)
        {
            await proxmox.CreateHaGroupAsync(group, cancellationToken).ConfigureAwait(false);
        }
        foreach (KeyValuePair<string, string> binding in Bindings)
        {
            await proxmox.SetHaResourceGroupAsync(binding.Key, binding.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    private static AntiAffinityRepair? PlanRule(AntiAffinityFacts facts, string pair)
    {
        HaRule? joining = AntiAffinityCheck.JoiningRules(facts).FirstOrDefault();
        if (joining != null)
        {
            throw new HaEdgeException("AntiAffinityRepairConflict", FailureKind.InvalidOperation,
                $"HA rule '{joining.Rule}' keeps {pair} together; HaEdge does not delete rules it did not make. Remove it (ha-manager rules remove {joining.Rule}) and repair again.", joining.Rule);
        }
        HaRule? existing = AntiAffinityCheck.SeparatingRules(facts).FirstOrDefault();
        if (existing != null && existing.Enabled)
        {
            return null;
        }
        if (existing != null)
        {
            return new AntiAffinityRepair($"Enable HA rule '{existing.Rule}' (negative affinity over {pair})",
                $"ha-manager rules set resource-affinity {existing.Rule} --delete disable",
                existing with { Disabled = false }, create: false, Array.Empty<HaGroup>(), new Dictionary<string, string>());
        }
        var rule = new HaRule
        {
            Rule = RuleIdFor(facts),
            Type = HaRuleType.ResourceAffinity,
            Affinity = HaAffinity.Negative,
            Resources = new[] { AntiAffinityCheck.Sid(facts.Primary.VmId), AntiAffinityCheck.Sid(facts.Secondary.VmId) },
            Comment = $"HaEdge: keep firewalls {facts.Primary.Firewall} and {facts.Secondary.Firewall} on different nodes",
        };
        return new AntiAffinityRepair($"Create HA rule '{rule.Rule}' (resource-affinity, negative, over {pair})",
            $"ha-manager rules add resource-affinity {rule.Rule} --affinity negative --resources {pair}",
            rule, create: true, Array.Empty<HaGroup>(), new Dictionary<string, string>());
    }

    /// <summary>
    /// PVE 8: each VM not yet in a restricted group gets one of its current node (so HA never moves it, and recovers
    /// it there when the node is back: Manager.pm recover_fenced_service). A group HaEdge did not make is left alone.
    /// </summary>
    private static AntiAffinityRepair PlanGroups(AntiAffinityFacts facts, string pair)
    {
        var groups = new List<HaGroup>();
        var bindings = new Dictionary<string, string>(StringComparer.Ordinal);
        var allowed = new List<IReadOnlyList<string>>();
        foreach (HaEdgeVm vm in facts.Vms)
        {
            HaResource resource = AntiAffinityCheck.ResourceOf(facts, vm)!;
            if (AntiAffinityCheck.AllowedNodes(facts, vm) is IReadOnlyList<string> pinned)
            {
                allowed.Add(pinned);
                continue;
            }
            if (resource.Group != null)
            {
                throw new HaEdgeException("AntiAffinityRepairConflict", FailureKind.InvalidOperation,
                    $"{resource.Sid} ({vm.Firewall}) is in HA group '{resource.Group}', which lets HA run it on any node; HaEdge does not change HA groups it did not make. "
                    + $"Restrict the group to {vm.Node} (ha-manager groupset {resource.Group} --nodes {vm.Node} --restricted 1) if only {vm.Firewall} uses it, or unbind it (ha-manager set {resource.Sid} --delete group), then repair again.", resource.Group);
            }
            string id = GroupIdFor(vm);
            HaGroup? taken = facts.HaGroups.FirstOrDefault(group => group.Group == id);
            if (taken == null)
            {
                groups.Add(new HaGroup
                {
                    Group = id,
                    Nodes = new[] { new HaNodePriority(vm.Node) },
                    Restricted = true,
                    Comment = $"HaEdge: firewall {vm.Firewall} runs on {vm.Node} only",
                });
            }
            else if (!(taken.Restricted && taken.Nodes.Count == 1 && string.Equals(taken.Nodes[0].Node, vm.Node, StringComparison.OrdinalIgnoreCase)))
            {
                throw new HaEdgeException("AntiAffinityRepairConflict", FailureKind.InvalidOperation,
                    $"HA group '{id}' exists but does not pin {vm.Firewall} to {vm.Node} alone; HaEdge does not change HA groups it did not make. Remove or fix it, then repair again.", id);
            }
            bindings[resource.Sid] = id;
            allowed.Add(new[] { vm.Node });
        }
        if (allowed[0].Intersect(allowed[1], StringComparer.OrdinalIgnoreCase).Any())
        {
            throw new HaEdgeException("AntiAffinityRepairConflict", FailureKind.InvalidOperation,
                $"HA groups let HA run {facts.Primary.Firewall} on {string.Join("+", allowed[0])} and {facts.Secondary.Firewall} on {string.Join("+", allowed[1])}: pinning cannot keep them apart while a group HaEdge did not make overlaps. Fix that group, then repair again.", pair);
        }
        string commands = string.Join("; ", groups.Select(group => $"ha-manager groupadd {group.Group} --nodes {HaNodePriority.FormatList(group.Nodes)} --restricted 1")
            .Concat(bindings.Select(binding => $"ha-manager set {binding.Key} --group {binding.Value}")));
        string action = string.Join(", ", bindings.Select(binding => $"bind {binding.Key} to restricted HA group '{binding.Value}'"));
        return new AntiAffinityRepair(char.ToUpperInvariant(action[0]) + action.Substring(1) + $" (each firewall on its own node only)", commands,
            null, create: false, groups, bindings);
    }
}
