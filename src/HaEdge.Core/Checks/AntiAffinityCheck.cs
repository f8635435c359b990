using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Model;
using HaEdge.Core.Model.Proxmox;
using HaEdge.Core.Model.Sync;

namespace HaEdge.Core.Checks
{
    /// <summary>
    /// What the hypervisor must keep true for the pair: the two firewall VMs on different nodes now and after any HA
    /// recovery (platform-facts §3.9). Pure: facts in, findings out.
    /// </summary>
    public static class AntiAffinityCheck
    {
        public const string VmMissing = nameof(VmMissing);
        public const string VmsOnSameNode = nameof(VmsOnSameNode);
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
            bool separated = facts.HaRules != null ? CheckRules(facts, facts.HaRules, findings) : CheckGroups(facts, findings);
            if (!separated)
            {
                CheckRecovery(facts, findings);
            }
            CheckQuorum(facts, findings);
            CheckTies(facts, findings);
            return findings;
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

        /// <summary>PVE 9: a negative resource-affinity rule over both VMs, enabled. True when the pair is kept apart.</summary>
        private static bool CheckRules(AntiAffinityFacts facts, IReadOnlyList<HaRule> rules, List<Finding> findings)
        {
            string pair = Sid(facts.Primary.VmId) + "," + Sid(facts.Secondary.VmId);
            foreach (HaRule rule in JoiningRules(facts))
            {
                findings.Add(new Finding(FindingSeverity.Error, AffinityRuleKeepsTogether, rule.Rule,
                    $"HA rule '{rule.Rule}' has positive affinity over {pair}: HA keeps both firewalls on one node.",
                    $"Delete it: ha-manager rules remove {rule.Rule}"));
            }

            HaRule? separating = SeparatingRules(facts).FirstOrDefault();
            if (separating == null)
            {
                findings.Add(new Finding(FindingSeverity.Error, AntiAffinityRuleMissing, pair,
                    $"No HA resource-affinity rule with negative affinity covers {pair}: HA may recover one firewall next to the other.",
                    $"Run Assert-AntiAffinity -Repair, or: ha-manager rules add resource-affinity {AntiAffinityRepair.RuleIdFor(facts)} --affinity negative --resources {pair}"));
                return false;
            }
            if (separating.Disabled)
            {
                findings.Add(new Finding(FindingSeverity.Error, AntiAffinityRuleDisabled, separating.Rule,
                    $"HA rule '{separating.Rule}' would keep {pair} apart but is disabled.",
                    $"Run Assert-AntiAffinity -Repair, or: ha-manager rules set resource-affinity {separating.Rule} --disable 0"));
                return false;
            }
            return !JoiningRules(facts).Any();
        }

        /// <summary>PVE 8: each VM in a restricted HA group of one node, the two nodes different.</summary>
        private static bool CheckGroups(AntiAffinityFacts facts, List<Finding> findings)
        {
            string? primaryNode = PinnedNode(facts, facts.Primary);
            string? secondaryNode = PinnedNode(facts, facts.Secondary);
            if (primaryNode != null && secondaryNode != null && !string.Equals(primaryNode, secondaryNode, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            findings.Add(new Finding(FindingSeverity.Error, HaGroupsDoNotSeparate, Sid(facts.Primary.VmId) + "," + Sid(facts.Secondary.VmId),
                $"This Proxmox VE release has no HA rules, and the HA groups do not pin {facts.Primary.Firewall} and {facts.Secondary.Firewall} to different nodes (pinned: {primaryNode ?? "no"}, {secondaryNode ?? "no"}).",
                $"Give each VM a restricted HA group of its own node: ha-manager groupadd {facts.Primary.Firewall}-only --nodes {facts.Primary.ExpectedNode} --restricted 1; ha-manager set {Sid(facts.Primary.VmId)} --group {facts.Primary.Firewall}-only (and the same for {facts.Secondary.Firewall} on {facts.Secondary.ExpectedNode}), or upgrade to PVE 9 and use a negative resource-affinity rule."));
            return false;
        }

        /// <summary>The one node a restricted single-node HA group holds the VM on, or null.</summary>
        private static string? PinnedNode(AntiAffinityFacts facts, HaEdgeVm vm)
        {
            HaResource? resource = facts.HaResources.FirstOrDefault(r => r.Type == "vm" && r.VmId == vm.VmId);
            HaGroup? group = resource?.Group == null ? null : facts.HaGroups.FirstOrDefault(g => g.Group == resource.Group);
            return group != null && group.Restricted && group.Nodes.Count == 1 ? group.Nodes[0].Node : null;
        }

        private static void CheckRecovery(AntiAffinityFacts facts, List<Finding> findings)
        {
            foreach (HaResource resource in RecoverableResources(facts))
            {
                HaEdgeVm vm = facts.Vms.First(v => v.VmId == resource.VmId);
                HaEdgeVm peer = facts.Vms.First(v => v.VmId != resource.VmId);
                findings.Add(new Finding(FindingSeverity.Warning, HaRecoveryCanColocate, vm.Firewall,
                    $"{vm.Firewall} is HA resource {resource.Sid} (state {resource.State}): if {vm.Node} fails, HA may recover it onto {peer.Node}, next to {peer.Firewall}.",
                    "Keep the pair apart with a negative resource-affinity rule (Assert-AntiAffinity -Repair), or take the VM out of HA: CARP already makes the pair redundant."));
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
}
