using System;
using System.Collections.Generic;
using System.Globalization;
using HaEdge.Core.Failover.Faults;

namespace HaEdge.Core.Failover;

/// <summary>
/// Test-HaFailover's -WhatIf plan, and the words for what a scenario waits for: the plan, the timeline and the
/// verdict say a goal and a duration the same way.
/// </summary>
internal static class FailoverPlan
{
    /// <summary>The steps a run would take, for -WhatIf: reads nothing and touches nothing.</summary>
    public static IReadOnlyList<FailoverPlanStep> Of(FailoverEnvironment environment, FailoverOptions options, IEnumerable<FailoverScenario> scenarios)
    {
        var target = new FaultTarget { Master = environment.Primary, Peer = environment.Secondary };
        var steps = new List<FailoverPlanStep>();
        void Add(FailoverScenario scenario, PlanStepKind kind, string subject, string action) =>
            steps.Add(new FailoverPlanStep { Order = steps.Count + 1, Scenario = scenario, Kind = kind, Target = subject, Action = action });

        foreach (var scenario in scenarios)
        {
            var fault = environment.FaultOf(scenario);
            Add(scenario, PlanStepKind.Check, "edge",
                "Check the gates: one MASTER per VIP, the peer healthy, pfsync in sync, the peer's gateways online, the VMs on distinct nodes"
                + (fault.Expected.HasFlag(ExpectedFailover.RouteMoves) ? ", a default gateway setting that lets the route follow gateway health" : ""));
            Add(scenario, PlanStepKind.Wait, "probes", $"Start the probes and hold a {Seconds(options.Baseline)} baseline");
            foreach (var step in fault.DescribeFault(target)) Add(scenario, PlanStepKind.Fault, target.Master, step);
            Add(scenario, PlanStepKind.Wait, target.Peer, $"Wait up to {Seconds(options.FailoverTimeout)} for {Goal(fault.Expected, target)}, then hold {Seconds(options.Settle)}");
            foreach (var step in fault.DescribeUndo(target)) Add(scenario, PlanStepKind.Undo, target.Master, step);
            Add(scenario, PlanStepKind.Wait, target.Master,
                $"Wait up to {Seconds(options.FailbackTimeout)} for the failback: one MASTER per VIP{(options.FailbackToOriginal ? " on " + target.Master : "")}"
                + (fault.Expected.HasFlag(ExpectedFailover.RouteMoves) ? ", the default route back on its gateway" : ""));
        }

        return steps;
    }

    /// <summary>What the fault's failover is, in words: "every VIP to move to fw2", "the default route of fw1 to leave ...".</summary>
    internal static string Goal(ExpectedFailover expected, FaultTarget target)
    {
        var parts = new List<string>();
        if (expected.HasFlag(ExpectedFailover.CarpMoves)) parts.Add($"every VIP to move to {target.Peer}");
        if (expected.HasFlag(ExpectedFailover.RouteMoves))
            parts.Add(expected.HasFlag(ExpectedFailover.CarpMoves)
                ? $"its default route to avoid {target.WanGateway ?? "the pulled WAN"}"
                : $"the default route of {target.Master} to leave {target.WanGateway ?? "the pulled WAN"} while CARP stays on {target.Master}");
        return string.Join(" and ", parts);
    }

    internal static string Describe(ExpectedFailover expected) => expected switch
    {
        ExpectedFailover.CarpMoves => "a CARP failover (the VIPs move to the peer)",
        ExpectedFailover.RouteMoves => "a gateway failover (the default route moves, CARP stays)",
        _ => "a CARP failover with the new MASTER avoiding the pulled WAN",
    };

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s";
}
