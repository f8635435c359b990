using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Checks;

/// <summary>
/// What the hypervisor must keep true for the pair: the two firewall VMs on different nodes now and after any HA
/// recovery (platform-facts §3.9). Pure: facts in, findings out. Three designs keep them apart: both VMs out of
/// HA (only an admin moves them, so their placement is by configuration); both HA resources under a negative
/// resource-affinity rule (PVE 9); or HA resources pinned to disjoint nodes (PVE 8 restricted HA groups, PVE 9
/// strict node-affinity rules, which is what PVE 9 migrates those groups to).
/// </summary>
internal static class AntiAffinityCheck
{
    public const string VmMissing = nameof(VmMissing);
    public const string VmsOnSameNode = nameof(VmsOnSameNode);
    public const string PlacementByConfiguration = nameof(PlacementByConfiguration);
    public const string HaManagesOneFirewall = nameof(HaManagesOneFirewall);
    public const string AntiAffinityRuleMissing = nameof(AntiAffinityRuleMissing);
    public const string AntiAffinityRuleDisabled = nameof(AntiAffinityRuleDisabled);
    public const string AffinityRuleKeepsTogether = nameof(AffinityRuleKeepsTogether);
    public const string HaGroupsDoNotSeparate = nameof(HaGroupsDoNotSeparate);
    public const string HaRecoveryCanColocate = nameof(HaRecoveryCanColocate);
    public const string TwoVoteCluster = nameof(TwoVoteCluster);
    public const string VmTiedToNode = nameof(VmTiedToNode);

    /// <summary>The HA service id of a VM, <c>vm:101</c>.</summary>
    public static string Sid(int vmId) => "vm:" + vmId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<Finding> Evaluate(AntiAffinityFacts facts)
    {
        if (facts == null) throw new ArgumentNullException(nameof(facts));
        var findings = new List<Finding>();
        CheckPlacement(facts, findings);
        // With a VM missing there is no pair for HA to keep apart: VmMissing says what to fix first.
        if (facts.Vms.All(vm => vm.Status != "missing") && CheckHa(facts, findings))
        {
            CheckRecovery(facts, findings);
        }
        CheckQuorum(facts, findings);
        CheckTies(facts, findings);
        return findings;
    }

    /// <summary>The VM's HA resource (an entry of resources.cfg), or null when HA does not manage it.</summary>
    public static HaResource? ResourceOf(AntiAffinityFacts facts, HaEdgeVm vm) =>
        facts.HaResources.FirstOrDefault(resource => resource.Type == "vm" && resource.VmId == vm.VmId);

    /// <summary>The pair's VMs that are HA resources.</summary>
    public static IReadOnlyList<HaEdgeVm> ManagedVms(AntiAffinityFacts facts) => facts.Vms.Where(vm => ResourceOf(facts, vm) != null).ToList();

    /// <summary>
    /// The nodes the VM can ever run on without an admin: its own node when HA does not manage it, the nodes of
    /// the restricted HA group (PVE 8) or enabled strict node-affinity rule (PVE 9) that binds it, or null for
    /// any node of the cluster.
    /// </summary>
    public static IReadOnlyList<string>? AllowedNodes(AntiAffinityFacts facts, HaEdgeVm vm)
    {
        HaResource? resource = ResourceOf(facts, vm);
        if (resource == null)
        {
            return new[] { vm.Node };
        }
        if (facts.HaRules != null)
        {
            HaRule? pin = facts.HaRules.FirstOrDefault(rule => rule.Type == HaRuleType.NodeAffinity && rule.Enabled && rule.Strict
                && rule.Resources.Contains(resource.Sid) && rule.Nodes.Count > 0);
            return pin?.Nodes.Select(node => node.Node).ToList();
        }
        HaGroup? group = GroupOf(facts, resource);
        return group != null && group.Restricted && group.Nodes.Count > 0 ? group.Nodes.Select(node => node.Node).ToList() : null;
    }

    /// <summary>PVE 8: the HA group the resource is bound to, when it exists.</summary>
    public static HaGroup? GroupOf(AntiAffinityFacts facts, HaResource resource) =>
        resource.Group == null ? null : facts.HaGroups.FirstOrDefault(group => group.Group == resource.Group);

    /// <summary>True when no node is allowed to both VMs: nothing but an admin can put them together.</summary>
    public static bool PinnedApart(AntiAffinityFacts facts)
    {
        IReadOnlyList<string>? primary = AllowedNodes(facts, facts.Primary);
        IReadOnlyList<string>? secondary = AllowedNodes(facts, facts.Secondary);
        return primary != null && secondary != null && !primary.Intersect(secondary, StringComparer.OrdinalIgnoreCase).Any();
    }

    /// <summary>The negative rules over both VMs, enabled ones first.</summary>
    public static IEnumerable<HaRule> SeparatingRules(AntiAffinityFacts facts) =>
        CoveringRules(facts, HaAffinity.Negative).OrderBy(rule => rule.Disabled);

    /// <summary>Enabled positive rules over both VMs: they force the pair onto one node.</summary>
    public static IEnumerable<HaRule> JoiningRules(AntiAffinityFacts facts) =>
        CoveringRules(facts, HaAffinity.Positive).Where(rule => rule.Enabled);

    /// <summary>HA resources for the pair's VMs that HA would start elsewhere when their node fails.</summary>
    public static IEnumerable<HaResource> RecoverableResources(AntiAffinityFacts facts) =>
        facts.HaResources.Where(resource => resource.Type == "vm" && facts.Vms.Any(vm => vm.VmId == resource.VmId)
            && (resource.State == "started" || resource.State == "enabled"));

    private static IEnumerable<HaRule> CoveringRules(AntiAffinityFacts facts, HaAffinity affinity) =>
        (facts.HaRules ?? Array.Empty<HaRule>()).Where(rule => rule.Type == HaRuleType.ResourceAffinity && rule.Affinity == affinity
            && rule.Resources.Contains(Sid(facts.Primary.VmId)) && rule.Resources.Contains(Sid(facts.Secondary.VmId)));

    private static void CheckPlacement(AntiAffinityFacts facts, List<Finding> findings)
    {
        foreach (HaEdgeVm vm in facts.Vms.Where(vm => vm.Status == "missing"))
        {
            findings.Add(new Finding(FindingSeverity.Error, VmMissing, vm.Firewall,
                $"The cluster has no VM {vm.VmId} for firewall {vm.Firewall}.",
                $"Fix vmId of {vm.Firewall} in the edge definition, or restore VM {vm.VmId}."));
        }
        if (facts.Vms.All(vm => vm.Status != "missing") && string.Equals(facts.Primary.Node, facts.Secondary.Node, StringComparison.OrdinalIgnoreCase))
        {
            HaEdgeVm moved = string.Equals(facts.Secondary.Node, facts.Secondary.ExpectedNode, StringComparison.OrdinalIgnoreCase)
                ? facts.Primary
                : facts.Secondary;
            findings.Add(new Finding(FindingSeverity.Error, VmsOnSameNode, facts.Primary.Node,
                $"{facts.Primary.Firewall} (VM {facts.Primary.VmId}) and {facts.Secondary.Firewall} (VM {facts.Secondary.VmId}) both run on {facts.Primary.Node}: losing that node takes down both firewalls.",
                $"Migrate {moved.Firewall} back to its node: qm migrate {moved.VmId} {moved.ExpectedNode} --online (HaEdge never migrates a VM on its own)."));
        }
    }

    /// <summary>Judges how HA treats the pair. True when HA could still recover one VM next to the other.</summary>
    private static bool CheckHa(AntiAffinityFacts facts, List<Finding> findings)
    {
        IReadOnlyList<HaEdgeVm> managed = ManagedVms(facts);
        string pair = Sid(facts.Primary.VmId) + "," + Sid(facts.Secondary.VmId);
        if (managed.Count == 0)
        {
            // Both on one node is VmsOnSameNode's error; apart, they stay apart until an admin moves one.
            if (PinnedApart(facts))
            {
                findings.Add(new Finding(FindingSeverity.Information, PlacementByConfiguration, pair,
                    $"Neither {facts.Primary.Firewall} (VM {facts.Primary.VmId}) nor {facts.Secondary.Firewall} (VM {facts.Secondary.VmId}) is an HA resource: only an admin moves them, and they run on distinct nodes ({facts.Primary.Node}, {facts.Secondary.Node}). Their placement is by configuration; no HA rule or group applies to VMs outside HA, and none is needed.",
                    "Nothing to do. Keep both out of HA, or make both HA resources and run Assert-AntiAffinity -Repair."));
            }
            return false;
        }

        foreach (HaRule rule in JoiningRules(facts))
        {
            findings.Add(new Finding(FindingSeverity.Error, AffinityRuleKeepsTogether, rule.Rule,
                $"HA rule '{rule.Rule}' has positive affinity over {pair}: HA keeps both firewalls on one node.",
                $"Delete it: ha-manager rules remove {rule.Rule}"));
        }
        if (PinnedApart(facts))
        {
            return false;
        }
        if (managed.Count == 1)
        {
            HaEdgeVm inHa = managed[0];
            HaEdgeVm outside = facts.Vms.First(vm => vm.VmId != inHa.VmId);
            findings.Add(new Finding(FindingSeverity.Error, HaManagesOneFirewall, Sid(inHa.VmId),
                $"{inHa.Firewall} ({Sid(inHa.VmId)}) is an HA resource but {outside.Firewall} (VM {outside.VmId}) is not: if {inHa.Node} fails, HA may recover {inHa.Firewall} onto {outside.Node}, next to {outside.Firewall}.",
                $"Take {inHa.Firewall} out of HA (ha-manager remove {Sid(inHa.VmId)}): CARP already makes the pair redundant. Or make {outside.Firewall} an HA resource too (ha-manager add {Sid(outside.VmId)} --state started) and run Assert-AntiAffinity -Repair."));
            return false;
        }
        return facts.HaRules != null ? !CheckRules(facts, pair, findings) : !CheckGroups(facts, pair, findings);
    }

    /// <summary>PVE 9, both VMs HA resources: a negative resource-affinity rule over both, enabled. True when the pair is kept apart.</summary>
    private static bool CheckRules(AntiAffinityFacts facts, string pair, List<Finding> findings)
    {
        HaRule? separating = SeparatingRules(facts).FirstOrDefault();
        if (separating == null)
        {
            findings.Add(new Finding(FindingSeverity.Error, AntiAffinityRuleMissing, pair,
                $"No HA resource-affinity rule with negative affinity covers {pair}: HA may recover one firewall next to the other.",
                RepairOrByHand(facts)));
            return false;
        }
        if (separating.Disabled)
        {
            findings.Add(new Finding(FindingSeverity.Error, AntiAffinityRuleDisabled, separating.Rule,
                $"HA rule '{separating.Rule}' would keep {pair} apart but is disabled.",
                RepairOrByHand(facts)));
            return false;
        }
        return !JoiningRules(facts).Any();
    }

    /// <summary>PVE 8, both VMs HA resources, not pinned apart: no HA rules exist, only groups could keep them apart.</summary>
    private static bool CheckGroups(AntiAffinityFacts facts, string pair, List<Finding> findings)
    {
        string Pinned(HaEdgeVm vm) => AllowedNodes(facts, vm) is IReadOnlyList<string> nodes ? string.Join("+", nodes) : "any node";
        findings.Add(new Finding(FindingSeverity.Error, HaGroupsDoNotSeparate, pair,
            $"This Proxmox VE release has no HA rules, and the HA groups do not keep {facts.Primary.Firewall} and {facts.Secondary.Firewall} on disjoint nodes (HA may run {facts.Primary.Firewall} on {Pinned(facts.Primary)}, {facts.Secondary.Firewall} on {Pinned(facts.Secondary)}).",
            RepairOrByHand(facts)));
        return false;
    }

    /// <summary>What fixes the HA setup: the repair and its commands by hand, or why no repair is safe.</summary>
    private static string RepairOrByHand(AntiAffinityFacts facts)
    {
        try
        {
            AntiAffinityRepair? repair = AntiAffinityRepair.Plan(facts);
            return repair == null ? "Nothing to repair." : $"Run Assert-AntiAffinity -Repair, or by hand: {repair.Commands}";
        }
        catch (HaEdgeException refusal)
        {
            return refusal.Message;
        }
    }

    private static void CheckRecovery(AntiAffinityFacts facts, List<Finding> findings)
    {
        string keepApart = facts.HaRules != null
            ? "Keep the pair apart with a negative resource-affinity rule (Assert-AntiAffinity -Repair)"
            : "Pin each firewall to its own node with a restricted HA group (Assert-AntiAffinity -Repair)";
        foreach (HaResource resource in RecoverableResources(facts))
        {
            HaEdgeVm vm = facts.Vms.First(v => v.VmId == resource.VmId);
            HaEdgeVm peer = facts.Vms.First(v => v.VmId != resource.VmId);
            findings.Add(new Finding(FindingSeverity.Warning, HaRecoveryCanColocate, vm.Firewall,
                $"{vm.Firewall} is HA resource {resource.Sid} (state {resource.State}): if {vm.Node} fails, HA may recover it onto {peer.Node}, next to {peer.Firewall}.",
                keepApart + ", or take the VM out of HA: CARP already makes the pair redundant."));
        }
    }

    private static void CheckQuorum(AntiAffinityFacts facts, List<Finding> findings)
    {
        if (facts.Cluster.IsCluster && facts.Cluster.Nodes.Count == 2 && facts.HasQDevice != true)
        {
            string cluster = facts.Cluster.ClusterName ?? "cluster";
            findings.Add(new Finding(FindingSeverity.Warning, TwoVoteCluster, cluster,
                $"Cluster '{cluster}' has two votes and no QDevice that HaEdge can see: when one node is lost the other has no quorum, so HA and API writes stop (the firewalls keep running).",
                "Add a QDevice (pvecm qdevice setup <address>). In an emergency, pvecm expected 1 on the surviving node restores writes."));
        }
    }

    private static void CheckTies(AntiAffinityFacts facts, List<Finding> findings)
    {
        foreach (HaEdgeVm vm in facts.Vms.Where(vm => vm.Status != "missing"))
        {
            var reasons = vm.PciDevices.Select(device => $"PCI passthrough {device.Key}").ToList();
            if (facts.Disks.TryGetValue(vm.VmId, out IReadOnlyDictionary<string, string>? disks))
            {
                reasons.AddRange(disks.Where(disk => IsNodeLocal(disk.Value)).Select(disk => $"local disk {disk.Key} ({Storage(disk.Value)})"));
            }
            if (reasons.Count > 0)
            {
                findings.Add(new Finding(FindingSeverity.Information, VmTiedToNode, vm.Firewall,
                    $"{vm.Firewall} is tied to {vm.Node} by {string.Join(", ", reasons)}: it cannot live-migrate and HA cannot start it elsewhere. Expected in this design: CARP, not the hypervisor, moves the service.",
                    "Nothing to do; to move the VM, shut it down and migrate it offline."));
            }
        }
    }

    private static string Storage(string volume)
    {
        int colon = volume.IndexOf(':');
        return colon < 0 ? volume : volume.Substring(0, colon);
    }

    /// <summary>
    /// PVE's node-local default storages are named local, local-lvm, local-zfs, local-btrfs; the storage list (and
    /// its shared flag) is not read, so storages named otherwise count as shared.
    /// </summary>
    private static bool IsNodeLocal(string volume) =>
        volume.IndexOf("media=cdrom", StringComparison.Ordinal) < 0 && volume.IndexOf(':') > 0
        && (Storage(volume) == "local" || Storage(volume).StartsWith("local-", StringComparison.Ordinal));
}
