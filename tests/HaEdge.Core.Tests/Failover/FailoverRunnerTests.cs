using HaEdge.Core.Failover;
using HaEdge.Core.Gateways;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

public class FailoverRunnerTests
{
    private readonly VirtualClock clock = new();
    private readonly RecordingReporter reporter = new();
    private readonly FakeEdge edge;

    public FailoverRunnerTests()
    {
        edge = new FakeEdge(clock);
    }

    private static FailoverOptions Options(bool force = false) => new()
    {
        Baseline = TimeSpan.FromSeconds(3),
        Settle = TimeSpan.FromSeconds(10),
        FailbackSettle = TimeSpan.FromSeconds(5),
        Force = force,
    };

    private FailoverRunner Runner(FailoverOptions? options = null, FailoverEnvironment? environment = null) =>
        new(environment ?? edge.Environment(), options ?? Options(), reporter, clock);

    /// <summary>Runs the scenarios as Test-HaFailover does and collects the results it hands over.</summary>
    private static async Task<List<FailoverResult>> RunAll(FailoverRunner runner, params FailoverScenario[] scenarios)
    {
        var results = new List<FailoverResult>();
        await runner.RunAsync(scenarios, result =>
        {
            results.Add(result);
            return Task.CompletedTask;
        }, CancellationToken.None);
        return results;
    }

    [Fact]
    public async Task HardStop_on_a_healthy_edge_passes_with_exact_timings()
    {
        var result = await Runner().RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None);

        Assert.True(result.Passed, string.Join(" ", result.Reasons));
        Assert.Empty(result.Reasons);
        Assert.Equal("fw1", result.OriginalMaster);
        Assert.Equal("fw2", result.NewMaster);
        Assert.Equal(TimeSpan.FromSeconds(3), result.FaultOffset);
        Assert.Equal(clock.StartedAt + TimeSpan.FromSeconds(3), result.FaultAt);
        // fw2 takes over 3 s after the stop; the poll sees it at once (polls fall on the 250 ms grid).
        Assert.Equal(TimeSpan.FromSeconds(3), result.VipMovedAfter);
        Assert.True(result.CarpMoved);
        // 15 pings lost (3.0 .. 5.8 s), the first answered one sent at 6.0 s.
        Assert.Equal(TimeSpan.FromSeconds(3), result.Outage);
        Assert.Equal(15, result.ProbesLost);
        Assert.Equal(65, result.ProbesSent);
        Assert.Equal(Math.Round(100.0 * 15 / 65, 2), result.ProbeLoss);
        Assert.True(result.SessionSurvived);
        Assert.Equal(120, result.StatesBefore);
        Assert.Equal(118, result.StatesAfter);
        // Start at 16 s, boot 20 s, preempt at once; the preempt glitch loses 2 pings (0.4 s).
        Assert.True(result.FailbackClean);
        Assert.Equal(TimeSpan.FromSeconds(20), result.FailbackAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(400), result.FailbackOutage);
        Assert.Null(result.Error);
        Assert.Equal(new[] { "stop fw1", "running? fw1", "start fw1" }, edge.Calls);

        var kinds = result.Timeline.Select(e => e.Kind).ToList();
        Assert.Contains(TimelineEventKind.FaultInjected, kinds);
        Assert.Contains(TimelineEventKind.FaultUndone, kinds);
        Assert.Contains(TimelineEventKind.FailbackComplete, kinds);
        Assert.Contains(result.Timeline, e => e.Kind == TimelineEventKind.CarpStateChanged && e.Subject == "fw2" && e.Message == "vhid 1 on vtnet1 BACKUP -> MASTER"
            && e.At == TimeSpan.FromSeconds(6));
        Assert.Contains(result.Timeline, e => e.Kind == TimelineEventKind.FirewallUnreachable && e.Subject == "fw1");
        Assert.Contains(result.Timeline, e => e.Kind == TimelineEventKind.ProbeLoss && e.Subject == "Ping" && e.At == TimeSpan.FromSeconds(3));
        Assert.Equal(result.Timeline.OrderBy(e => e.At).ToList(), result.Timeline);
        Assert.Equal(5, result.Gates.Count);
        Assert.All(result.Gates, g => Assert.True(g.Passed));
        Assert.Contains(result.Ownership, o => o.Owner == OwnershipSample.None);
        Assert.Equal("fw1", result.Ownership[0].Owner);
        Assert.Equal("fw1", result.Ownership[^1].Owner);
        Assert.Contains("Test-HaFailover HardStop", reporter.Completed);
        Assert.Contains(reporter.Lines, l => l.StartsWith("PROGRESS Test-HaFailover HardStop | Waiting for every VIP to move to fw2"));
    }

    [Fact]
    public async Task HardStop_with_the_sync_link_cut_fails_because_the_session_breaks()
    {
        edge.SyncCut = true;

        var result = await Runner().RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.False(result.SessionSurvived);
        Assert.Contains(result.Reasons, r => r.Contains("TCP session to 203.0.113.9:7 did not survive") && r.Contains("no echo for 20 s"));
        // The ping outage is still the election's 3 s: only the session lost its state.
        Assert.Equal(TimeSpan.FromSeconds(3), result.Outage);
        Assert.Equal(3, result.StatesAfter);
        Assert.Contains(result.Timeline, e => e.Kind == TimelineEventKind.SessionBroken && e.At == TimeSpan.FromSeconds(23));
        Assert.Single(result.Probes, p => p.BrokeAt == TimeSpan.FromSeconds(23));
        Assert.True(result.FailbackClean);
    }

    [Fact]
    public async Task Maintenance_hands_over_and_fails_back_by_preemption()
    {
        var result = await Runner().RunScenarioAsync(FailoverScenario.Maintenance, CancellationToken.None);

        Assert.True(result.Passed, string.Join(" ", result.Reasons));
        Assert.Equal(TimeSpan.FromMilliseconds(500), result.VipMovedAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(600), result.Outage);
        Assert.Equal(TimeSpan.Zero, result.FailbackAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(400), result.FailbackOutage);
        Assert.Equal(new[] { "maintenance fw1 on", "maintenance fw1 off" }, edge.Calls);
        Assert.Contains(result.Timeline, e => e.Kind == TimelineEventKind.CarpStateChanged && e.Subject == "fw1" && e.Message == "entered maintenance mode");
    }

    [Fact]
    public async Task WanPull_by_gateway_force_down_moves_the_route_and_not_carp()
    {
        var result = await Runner().RunScenarioAsync(FailoverScenario.WanPull, CancellationToken.None);

        Assert.True(result.Passed, string.Join(" ", result.Reasons));
        Assert.Equal(ExpectedFailover.RouteMoves, result.Expected);
        Assert.False(result.CarpMoved);
        Assert.Null(result.VipMovedAfter);
        Assert.Equal("fw1", result.NewMaster);
        Assert.Equal("WAN_FIBRE", result.GatewayBefore);
        Assert.Equal("WAN_STARLINK", result.GatewayAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), result.RouteMovedAfter);
        Assert.True(result.FailbackClean);
        Assert.Equal(new[] { "forcedown fw1 WAN_FIBRE True", "forcedown fw2 WAN_FIBRE True", "forcedown fw1 WAN_FIBRE False", "forcedown fw2 WAN_FIBRE False" }, edge.Calls);
        Assert.Contains(result.Timeline, e => e.Kind == TimelineEventKind.RouteChanged && e.Message == "default route WAN_FIBRE -> WAN_STARLINK");
    }

    [Fact]
    public async Task WanPull_by_link_down_expects_carp_to_move()
    {
        var result = await Runner(environment: edge.Environment(wan: WanPullMethod.LinkDown)).RunScenarioAsync(FailoverScenario.WanPull, CancellationToken.None);

        Assert.True(result.Passed, string.Join(" ", result.Reasons));
        Assert.Equal(ExpectedFailover.CarpMoves, result.Expected);
        Assert.Equal("fw2", result.NewMaster);
        Assert.Equal(new[] { "link fw1 net1 down", "link fw1 net1 up" }, edge.Calls);
    }

    [Fact]
    public async Task Combined_is_refused_until_both_single_scenarios_passed_in_the_run()
    {
        var runner = Runner();
        var refused = await Assert.ThrowsAsync<HaEdgeException>(() => runner.RunScenarioAsync(FailoverScenario.Combined, CancellationToken.None));
        Assert.Equal("FailoverCombinedNotAllowed", refused.ErrorId);
        Assert.Empty(edge.Calls);

        var results = await RunAll(runner, FailoverScenario.WanPull, FailoverScenario.HardStop, FailoverScenario.Combined);

        Assert.All(results, r => Assert.True(r.Passed, r.Scenario + ": " + string.Join(" ", r.Reasons)));
        var combined = results[2];
        Assert.Equal(ExpectedFailover.CarpMoves | ExpectedFailover.RouteMoves, combined.Expected);
        Assert.Equal("fw2", combined.NewMaster);
        Assert.Equal("WAN_STARLINK", combined.GatewayAfter);
    }

    [Fact]
    public async Task A_failed_gate_refuses_before_any_fault_unless_forced()
    {
        edge.Fw2Node = "pve1";

        var refused = await Assert.ThrowsAsync<FailoverRefusedException>(() => Runner().RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None));

        Assert.Equal("FailoverPreflightFailed", refused.ErrorId);
        Assert.Contains("AntiAffinity: fw1 and fw2 both run on pve1", refused.Message);
        Assert.Empty(edge.Calls);

        var forced = await Runner(Options(force: true)).RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None);
        Assert.True(forced.Passed);
        Assert.Contains(forced.Gates, g => g.Gate == FailoverGates.AntiAffinity && !g.Passed);
        Assert.Contains(reporter.Lines, l => l.StartsWith("WARNING HardStop: gates failed, going on because of -Force"));
    }

    [Fact]
    public async Task Cancellation_mid_fault_undoes_the_fault_with_its_own_token_and_waits_for_the_rejoin()
    {
        using var cts = new CancellationTokenSource();
        clock.CancelAt = (TimeSpan.FromSeconds(10), cts);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner().RunScenarioAsync(FailoverScenario.HardStop, cts.Token));

        Assert.Equal(new[] { "stop fw1", "running? fw1", "start fw1" }, edge.Calls);
        Assert.True(edge.Fw1Running);
        // The restore waited for the 20 s boot and the rejoin before it let the cancellation through.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(30));
        var snapshot = await edge.ReadPreflightAsync(CancellationToken.None);
        Assert.Empty(FailoverGates.RestoreProblems(snapshot));
        Assert.Contains(reporter.Lines, l => l.StartsWith("WARNING Restoring the edge: Start VM 101 (fw1) on pve1"));
        Assert.Contains("Test-HaFailover HardStop", reporter.Completed);
    }

    [Fact]
    public async Task An_api_error_while_injecting_still_runs_the_undo_and_reports_the_error()
    {
        edge.FailStop = new HaEdgeException("ProxmoxServerError", FailureKind.ResourceUnavailable, "pve1: 500 Internal Server Error", "pve1");

        var result = await Runner().RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("pve1: 500 Internal Server Error", result.Error);
        Assert.Contains(result.Reasons, r => r.StartsWith("Stopped by an error (the edge was restored): pve1: 500"));
        // The undo ran: it found the VM still running, so it had nothing to start.
        Assert.Equal(new[] { "stop fw1", "running? fw1" }, edge.Calls);
        Assert.Equal(TimeSpan.FromSeconds(3), result.FaultOffset);
    }

    [Fact]
    public async Task An_undo_that_fails_ends_with_an_error_listing_what_is_left()
    {
        using var cts = new CancellationTokenSource();
        clock.CancelAt = (TimeSpan.FromSeconds(8), cts);
        edge.FailStart = new HaEdgeException("ProxmoxForbidden", FailureKind.PermissionDenied, "403: Permission check failed (VM.PowerMgmt)", "pve1");

        var error = await Assert.ThrowsAsync<FailoverRestoreIncompleteException>(() => Runner().RunScenarioAsync(FailoverScenario.HardStop, cts.Token));

        Assert.Equal("FailoverRestoreIncomplete", error.ErrorId);
        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
        Assert.Equal(new[] { "stop fw1", "running? fw1", "start fw1" }, edge.Calls);
        Assert.Collection(error.Remaining,
            r => Assert.Equal("Undo did not complete (403: Permission check failed (VM.PowerMgmt)): still to do: Start VM 101 (fw1) on pve1 and wait until it rejoins CARP.", r),
            r => Assert.Equal("VM 101 (fw1) on pve1 is not running: start it.", r),
            r => Assert.StartsWith("fw1 cannot be read over SSH (connection refused)", r));
        Assert.Contains("stopped (cancelled) and could not restore the edge. Left to fix: 1) Undo did not complete", error.Message);
        Assert.NotNull(error.Result);
        Assert.Equal(FailoverScenario.HardStop, error.Result!.Scenario);
    }

    [Fact]
    public async Task Maintenance_left_on_is_named_with_the_command_that_fixes_it()
    {
        edge.FailMaintenanceOff = new HaEdgeException("SshCommandTimeout", FailureKind.OperationTimeout, "fw1 gave no answer within 11 s.", "fw1");

        var error = await Assert.ThrowsAsync<FailoverRestoreIncompleteException>(() => Runner().RunScenarioAsync(FailoverScenario.Maintenance, CancellationToken.None));

        Assert.Contains(error.Remaining, r => r == "fw1 is in CARP maintenance mode: run 'Set-CarpMaintenance -Disable -Firewall fw1'.");
        Assert.Contains(error.Remaining, r => r.StartsWith("Undo did not complete (fw1 gave no answer within 11 s.): still to do: Leave CARP maintenance mode on fw1"));
        // A timeout may pass: tried again each second on the normal path, then on the restore path, each until its deadline.
        Assert.Equal("maintenance fw1 on", edge.Calls[0]);
        Assert.All(edge.Calls.Skip(1), c => Assert.Equal("maintenance fw1 off", c));
        Assert.InRange(edge.Calls.Count, 400, 500);
    }

    [Fact]
    public void The_plan_lists_each_fault_and_each_undo_and_touches_nothing()
    {
        var plan = FailoverPlan.Of(edge.Environment(), Options(), new[] { FailoverScenario.HardStop, FailoverScenario.WanPull, FailoverScenario.Combined });

        Assert.Empty(edge.Calls);
        Assert.Equal(Enumerable.Range(1, plan.Count), plan.Select(s => s.Order));
        var faults = plan.Where(s => s.Kind is PlanStepKind.Fault or PlanStepKind.Undo).Select(s => $"{s.Scenario} {s.Kind}: {s.Action}").ToList();
        Assert.Equal(new[]
        {
            "HardStop Fault: Hard-stop VM 101 (fw1) on pve1 through the Proxmox API",
            "HardStop Undo: Start VM 101 (fw1) on pve1 and wait until it rejoins CARP",
            "WanPull Fault: Mark gateway (the default gateway of fw1) down (force_down) on fw1 and fw2",
            "WanPull Undo: Clear force_down of gateway (the default gateway of fw1) on fw1 and fw2",
            "Combined Fault: Mark gateway (the default gateway of fw1) down (force_down) on fw1 and fw2",
            "Combined Fault: Hard-stop VM 101 (fw1) on pve1 through the Proxmox API",
            "Combined Undo: Start VM 101 (fw1) on pve1 and wait until it rejoins CARP",
            "Combined Undo: Clear force_down of gateway (the default gateway of fw1) on fw1 and fw2",
        }, faults);
        Assert.Equal(PlanStepKind.Check, plan[0].Kind);
    }

    [Fact]
    public async Task A_probe_that_never_answers_stops_the_scenario_before_the_fault()
    {
        var environment = new FailoverEnvironment(edge, new Dictionary<FailoverScenario, Core.Failover.Faults.IFaultInjector>
            {
                [FailoverScenario.HardStop] = new Core.Failover.Faults.HardStopFault(edge),
            },
            () => new[] { new ScriptedProbe("Ping", ProbeKind.Ping, "203.0.113.99", clock, _ => false) }, "fw1", "fw2");

        var result = await Runner(environment: environment).RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains("the Ping probe to 203.0.113.99 got no answer", result.Error);
        Assert.DoesNotContain("stop fw1", edge.Calls);
        Assert.Null(result.FaultAt);
    }

    [Fact]
    public async Task A_scenario_stopped_by_an_error_ends_the_run_with_one_warning()
    {
        var environment = new FailoverEnvironment(edge, new Dictionary<FailoverScenario, Core.Failover.Faults.IFaultInjector>
            {
                [FailoverScenario.HardStop] = new Core.Failover.Faults.HardStopFault(edge),
                [FailoverScenario.Maintenance] = new Core.Failover.Faults.MaintenanceFault(edge),
            },
            () => new[] { new ScriptedProbe("Ping", ProbeKind.Ping, "203.0.113.99", clock, _ => false) }, "fw1", "fw2");

        var results = await RunAll(Runner(environment: environment), FailoverScenario.HardStop, FailoverScenario.Maintenance);

        var stopped = Assert.Single(results);
        Assert.Equal(FailoverScenario.HardStop, stopped.Scenario);
        Assert.NotNull(stopped.Error);
        Assert.DoesNotContain(edge.Calls, c => c.StartsWith("maintenance"));
        Assert.Equal(new[] { "WARNING HardStop stopped on an error; the remaining scenarios were not run." }, reporter.Lines.Where(l => l.StartsWith("WARNING ")));
    }

    [Fact]
    public async Task The_accuracy_bench_puts_the_engine_outage_beside_an_independent_capture()
    {
        var result = await Runner().RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None);
        // A 10 ms capture of the same path: down from the stop (3.0 s) until fw2 answers (6.0 s), sampled on its own grid.
        var capture = Enumerable.Range(0, 4100).Select(i => TimeSpan.FromMilliseconds(5 + 10 * i))
            .Select(t => new ProbeSample { Probe = "ping -D", SentAt = t, Outcome = edge.Up(t) ? ProbeOutcome.Reply : ProbeOutcome.Lost }).ToList();

        var comparison = PingCapture.Compare(result, capture);

        Assert.Equal(TimeSpan.FromSeconds(3), comparison.Engine);
        Assert.Equal(TimeSpan.FromSeconds(3), comparison.Capture);
        Assert.True(comparison.Agrees);
        Assert.Equal(TimeSpan.FromMilliseconds(200), comparison.Interval);
        Assert.Contains("agrees (within one interval)", comparison.ToString());
    }

    [Fact]
    public async Task A_WanPull_returns_only_once_the_pulled_gateway_is_online_again_on_both_firewalls()
    {
        // fw1's route comes back 2 s after the force-down is cleared (the failback); fw2's monitor sees the fibre 30 s later.
        edge.Fw2GatewayLag = TimeSpan.FromSeconds(30);

        var result = await Runner().RunScenarioAsync(FailoverScenario.WanPull, CancellationToken.None);

        Assert.True(result.Passed, string.Join(" ", result.Reasons));
        var after = await edge.ReadPreflightAsync(CancellationToken.None);
        Assert.All(after.Gateways, g => Assert.Equal(GatewayHealth.Online, g.Health));
        Assert.Empty(FailoverGates.RestoreProblems(after, after, new RouteReading { Firewall = "fw1", Expected = "WAN_FIBRE", Actual = await edge.ReadDefaultGatewayAsync("fw1", CancellationToken.None) }));
        Assert.Contains(reporter.Lines, l => l.Contains("Verifying the edge is restored: waiting for Gateway WAN_FIBRE of fw2 is down, not online as before"));
    }

    [Fact]
    public async Task Ctrl_C_during_a_WanPull_clears_the_force_down_and_waits_for_the_route()
    {
        using var cts = new CancellationTokenSource();
        clock.CancelAt = (TimeSpan.FromSeconds(6), cts);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner().RunScenarioAsync(FailoverScenario.WanPull, cts.Token));

        Assert.Equal(new[] { "forcedown fw1 WAN_FIBRE True", "forcedown fw2 WAN_FIBRE True", "forcedown fw1 WAN_FIBRE False", "forcedown fw2 WAN_FIBRE False" }, edge.Calls);
        Assert.False(edge.GatewayForcedDown);
        Assert.Equal("WAN_FIBRE", await edge.ReadDefaultGatewayAsync("fw1", CancellationToken.None));
        var after = await edge.ReadPreflightAsync(CancellationToken.None);
        Assert.All(after.Gateways, g => Assert.Equal(GatewayHealth.Online, g.Health));
    }

    [Fact]
    public async Task A_gateway_that_never_comes_back_is_named_in_what_is_left_to_fix()
    {
        edge.Fw2GatewayLag = TimeSpan.FromHours(1);

        var error = await Assert.ThrowsAsync<FailoverRestoreIncompleteException>(() => Runner().RunScenarioAsync(FailoverScenario.WanPull, CancellationToken.None));

        Assert.Equal(new[] { "Gateway WAN_FIBRE of fw2 is down, not online as before: clear a force_down left on it, or restore the upstream." }, error.Remaining);
        Assert.NotNull(error.Result);
        Assert.True(error.Result!.FailbackClean);
    }

    [Fact]
    public async Task Combined_clears_the_force_down_on_the_restarted_firewall_once_it_answers_again()
    {
        var runner = Runner();
        var results = await RunAll(runner, FailoverScenario.WanPull, FailoverScenario.HardStop, FailoverScenario.Combined);

        var combined = results[2];
        Assert.True(combined.Passed, string.Join(" ", combined.Reasons));
        Assert.Null(combined.Error);
        Assert.False(edge.GatewayForcedDown);
        // fw1 boots for 20 s after its start: the clear was refused until then, and tried again each second.
        Assert.True(edge.Calls.Count(c => c == "forcedown fw1 WAN_FIBRE False") > 10);
        Assert.Contains(reporter.Lines, l => l.Contains("Undo: fw1 (192.0.2.2:22) is unreachable over SSH: connection refused Trying again."));
    }

    [Fact]
    public async Task A_WanPull_with_a_fixed_default_gateway_is_refused_before_any_fault()
    {
        // pfSense keeps a fixed default route on its gateway even when it is marked down: the route would never move.
        edge.DefaultGatewaySetting = "WAN_FIBRE";

        var refused = await Assert.ThrowsAsync<FailoverRefusedException>(() => Runner().RunScenarioAsync(FailoverScenario.WanPull, CancellationToken.None));

        Assert.Contains("DefaultRouteFollowsGateways: fw1's default gateway is fixed to WAN_FIBRE", refused.Message);
        Assert.Empty(edge.Calls);
        // A HardStop does not depend on the setting.
        Assert.True((await Runner().RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None)).Passed);
    }
}
