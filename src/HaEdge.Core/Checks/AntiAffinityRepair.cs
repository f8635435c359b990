using System;
using System.Globalization;
using System.Linq;
using HaEdge.Core.Model.Proxmox;

namespace HaEdge.Core.Checks
{
    /// <summary>The HA rule write that keeps the pair apart: create a negative resource-affinity rule, or enable the one there is.</summary>
    public sealed class AntiAffinityRepair
    {
        private AntiAffinityRepair(HaRule rule, bool create, string action)
        {
            Rule = rule;
            Create = create;
            Action = action;
        }

        /// <summary>The rule as it should be written.</summary>
        public HaRule Rule { get; }

        /// <summary>True to POST a new rule, false to PUT the existing one.</summary>
        public bool Create { get; }

        /// <summary>What the write does, as ShouldProcess shows it.</summary>
        public string Action { get; }

        /// <summary>The id HaEdge gives the rule it creates, e.g. <c>haedge-101-102-apart</c>.</summary>
        public static string RuleIdFor(AntiAffinityFacts facts) =>
            string.Format(CultureInfo.InvariantCulture, "haedge-{0}-{1}-apart", facts.Primary.VmId, facts.Secondary.VmId);

        /// <summary>
        /// The write that fixes the rule, or null when an enabled negative rule already covers both VMs. Throws
        /// <see cref="HaEdgeException"/> when no safe write exists: no rules API (PVE 8), a positive rule that would
        /// conflict, or both VMs on one node as HA resources (the new rule would make HA migrate one of them).
        /// </summary>
        public static AntiAffinityRepair? Plan(AntiAffinityFacts facts)
        {
            if (facts == null) throw new ArgumentNullException(nameof(facts));
            string pair = AntiAffinityCheck.Sid(facts.Primary.VmId) + "," + AntiAffinityCheck.Sid(facts.Secondary.VmId);
            if (facts.HaRules == null)
            {
                throw new HaEdgeException("AntiAffinityRepairNeedsRules", FailureKind.InvalidOperation,
                    "This Proxmox VE release has no HA rules API (PVE 8): pin each VM with a restricted HA group of its own node by hand.", pair);
            }

            HaRule? existing = AntiAffinityCheck.SeparatingRules(facts).FirstOrDefault();
            if (existing != null && existing.Enabled)
            {
                return null;
            }
            HaRule? joining = AntiAffinityCheck.JoiningRules(facts).FirstOrDefault();
            if (joining != null)
            {
                throw new HaEdgeException("AntiAffinityRepairConflict", FailureKind.InvalidOperation,
                    $"HA rule '{joining.Rule}' keeps {pair} together; HaEdge does not delete rules it did not make. Remove it (ha-manager rules remove {joining.Rule}) and repair again.", joining.Rule);
            }
            bool sameNode = string.Equals(facts.Primary.Node, facts.Secondary.Node, StringComparison.OrdinalIgnoreCase);
            if (sameNode && AntiAffinityCheck.RecoverableResources(facts).Any())
            {
                // HA enforces a negative rule by moving a running resource away: that would be a migration.
                throw new HaEdgeException("AntiAffinityRepairWouldMigrate", FailureKind.InvalidOperation,
                    $"Both VMs run on {facts.Primary.Node} as HA resources: a negative rule now would make HA migrate one of them, and HaEdge never migrates a VM on its own. Migrate one back to its node first, then repair.", pair);
            }

            if (existing != null)
            {
                return new AntiAffinityRepair(existing with { Disabled = false }, create: false, $"Enable HA rule '{existing.Rule}' (negative affinity over {pair})");
            }
            var rule = new HaRule
            {
                Rule = RuleIdFor(facts),
                Type = HaRuleType.ResourceAffinity,
                Affinity = HaAffinity.Negative,
                Resources = new[] { AntiAffinityCheck.Sid(facts.Primary.VmId), AntiAffinityCheck.Sid(facts.Secondary.VmId) },
                Comment = $"HaEdge: keep firewalls {facts.Primary.Firewall} and {facts.Secondary.Firewall} on different nodes",
            };
            return new AntiAffinityRepair(rule, create: true, $"Create HA rule '{rule.Rule}' (resource-affinity, negative, over {pair})");
        }
    }
}
