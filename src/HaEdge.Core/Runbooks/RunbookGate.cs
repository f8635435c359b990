using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Checks;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;

namespace HaEdge.Core.Runbooks;

/// <summary>Whether Suspend-/Resume-HaEdgeNode may go on, judged from Test-HaEdge (pure).</summary>
internal static class RunbookGate
{
    /// <summary>The firewall the edge definition puts on <paramref name="node"/>, or an error naming the nodes that have one.</summary>
    public static FirewallDefinition FirewallOn(EdgeDefinition edge, string node) =>
        edge.Firewalls.FirstOrDefault(f => string.Equals(f.Node, node, StringComparison.OrdinalIgnoreCase))
        ?? throw new HaEdgeException("NodeHasNoFirewall", FailureKind.ObjectNotFound,
            $"The edge '{edge.Name}' puts no firewall on node '{node}'; its firewalls are on {string.Join(" and ", edge.Firewalls.Select(f => f.Node))}.", node);

    /// <summary>
    /// The Error findings that stop the runbook step. Resume expects the node's own firewall in CARP maintenance
    /// (Suspend put it there), so only that finding is let through; everything else must be green.
    /// </summary>
    public static IReadOnlyList<Finding> Blockers(HaEdgeReadiness readiness, NodeMaintenanceAction action, FirewallDefinition firewall) =>
        readiness.Errors.Where(f => !(action == NodeMaintenanceAction.Resume && f.Code == ReadinessJudge.CarpMaintenanceOn
            && string.Equals(f.Target, firewall.Name, StringComparison.OrdinalIgnoreCase))).ToList();

    public static HaEdgeException Refusal(string node, NodeMaintenanceAction action, IReadOnlyList<Finding> blockers) =>
        new HaEdgeException("HaEdgeNotReady", FailureKind.InvalidOperation,
            $"{action}-HaEdgeNode {node} refused, nothing was changed: Test-HaEdge is not green. "
            + string.Join(" ", blockers.Select(f => $"{f.Code} [{f.Target}]: {f.Message}"))
            + " Fix that first (Test-HaEdge shows each check), or run again with -Force.", node);
}
