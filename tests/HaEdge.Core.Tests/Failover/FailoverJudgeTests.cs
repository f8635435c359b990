using HaEdge.Core.Carp;
using HaEdge.Core.Failover;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

/// <summary>
/// The verdict on measurements built by hand: a HardStop of fw1 at 3 s, fw2 the sole MASTER at 6 s, the undo at 16 s,
/// fw1 back at 36 s, the end at 41 s; each test changes one thing.
/// </summary>
public class FailoverJudgeTests
{
    private static readonly TimeSpan FaultAt = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MovedAt = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan UndoAt = TimeSpan.FromSeconds(16);
    private static readonly TimeSpan FailbackAt = TimeSpan.FromSeconds(36);
    private static readonly TimeSpan EndedAt = TimeSpan.FromSeconds(41);
    private static readonly FaultTarget Target = new() { Master = "fw1", Peer = "fw2" };

    private readonly VirtualClock clock = new();

    /// <summary>Who is MASTER at each second's poll: null while fw1 is stopped and fw2 not yet elected.</summary>
    private static string? Master(TimeSpan t) =>
        t < FaultAt ? "fw1" : t < MovedAt ? null : t < FailbackAt ? "fw2" : "fw1";

    /// <summary>The path is down from the stop until fw2 answers, and for fw1's 400 ms preempt glitch.</summary>
    private static bool Up(TimeSpan t) =>
        !(t >= FaultAt && t < MovedAt) && !(t >= FailbackAt && t < FailbackAt + TimeSpan.FromMilliseconds(400));

    private FailoverMeasurements Measured(Func<TimeSpan, string?>? master = null, Func<TimeSpan, bool>? up = null)
    {
        var log = new ScenarioLog(clock, new RecordingReporter());
        for (var t = TimeSpan.Zero; t < EndedAt; t += TimeSpan.FromSeconds(1)) log.Observe(new Observation(t, Carp((master ?? Master)(t)), null, null));
        var probes = new IProbe[]
        {
            new ScriptedProbe("Ping", ProbeKind.Ping, "203.0.113.9", clock, up ?? Up),
            new ScriptedProbe("TcpSession", ProbeKind.TcpSession, "203.0.113.9:7", clock, up ?? Up, TimeSpan.FromSeconds(20)),
        };
        // The virtual clock moves at once: the probes then hold every sample up to the end.
        _ = clock.Delay(EndedAt, CancellationToken.None);
        return new FailoverMeasurements
        {
            Scenario = FailoverScenario.HardStop,
            Expected = ExpectedFailover.CarpMoves,
            Fault = "Hard-stop VM 101 (fw1) on pve1 through the Proxmox API",
            Target = Target,
            Log = log,
            Recordings = probes.Select(p => new ProbeSet.Recorded(p, p.Snapshot())).ToList(),
            RunStartedAt = clock.StartedAt,
            EndedAt = EndedAt,
            FaultAt = FaultAt,
            FaultDateTime = clock.StartedAt + FaultAt,
            UndoAt = UndoAt,
            MovedAt = MovedAt,
            FailbackAt = FailbackAt,
            FailoverRouteHolder = "fw2",
        };
    }

    private static CarpSnapshot Carp(string? master) => new()
    {
        Firewalls = new[] { "fw1", "fw2" }.Select(f => new FirewallCarpView
        {
            Firewall = f,
            Reachable = f != "fw1" || master != null,
            Vips = f == "fw1" && master == null
                ? Array.Empty<VipView>()
                : FakeEdge.VipNames.Select(v => new VipView { Vip = v, State = f == master ? CarpState.Master : CarpState.Backup }).ToList(),
        }).ToList(),
    };

    [Fact]
    public void A_failover_within_the_criteria_passes_with_its_timings()
    {
        var result = FailoverJudge.Judge(Measured(), new FailoverOptions());

        Assert.True(result.Passed, string.Join(" ", result.Reasons));
        Assert.Empty(result.Reasons);
        Assert.Equal("fw2", result.NewMaster);
        Assert.True(result.CarpMoved);
        Assert.Equal(TimeSpan.FromSeconds(3), result.VipMovedAfter);
        // 15 pings lost (3.0 .. 5.8 s), the first answered one sent at 6.0 s.
        Assert.Equal(TimeSpan.FromSeconds(3), result.Outage);
        Assert.Equal(15, result.ProbesLost);
        Assert.True(result.SessionSurvived);
        Assert.True(result.FailbackClean);
        Assert.Equal(TimeSpan.FromSeconds(20), result.FailbackAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(400), result.FailbackOutage);
        Assert.Contains(result.Timeline, e => e.Kind == TimelineEventKind.ProbeLoss && e.Subject == "Ping" && e.Message == "15 lost, 3.0 s");
    }

    [Fact]
    public void An_outage_over_the_maximum_fails_naming_both()
    {
        var result = FailoverJudge.Judge(Measured(), new FailoverOptions { MaxOutage = TimeSpan.FromSeconds(2) });

        Assert.False(result.Passed);
        Assert.Equal(new[] { "The outage (3.0 s, Ping) exceeds the maximum of 2.0 s." }, result.Reasons);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Criteria!.MaxOutage);
    }

    [Fact]
    public void A_failover_never_seen_fails_naming_what_was_awaited()
    {
        var measured = Measured(master: _ => "fw1", up: _ => true);
        measured.MovedAt = null;

        var result = FailoverJudge.Judge(measured, new FailoverOptions());

        Assert.False(result.Passed);
        Assert.Equal(new[] { "Not seen within 60.0 s: every VIP to move to fw2." }, result.Reasons);
        Assert.False(result.CarpMoved);
        Assert.Equal("fw1", result.NewMaster);
        Assert.Null(result.VipMovedAfter);
    }

    [Fact]
    public void A_failback_not_seen_fails_with_what_the_last_poll_still_missed()
    {
        var measured = Measured(master: t => t < MovedAt ? Master(t) : "fw2");
        measured.FailbackAt = null;

        var result = FailoverJudge.Judge(measured, new FailoverOptions());

        Assert.False(result.Passed);
        Assert.Equal(new[] { "The failback was not clean within 180.0 s: the VIPs are not all back on fw1." }, result.Reasons);
        Assert.False(result.FailbackClean);
        Assert.Null(result.FailbackAfter);
    }

    [Fact]
    public void An_error_before_the_fault_fails_with_its_message_and_no_outage()
    {
        var measured = Measured();
        measured.FaultAt = measured.UndoAt = measured.MovedAt = measured.FailbackAt = null;
        measured.FaultDateTime = null;
        measured.Failure = new HaEdgeException("SshConnectionFailed", FailureKind.ConnectionError, "fw1 (192.0.2.2:22) is unreachable over SSH.");

        var result = FailoverJudge.Judge(measured, new FailoverOptions());

        Assert.False(result.Passed);
        Assert.Equal("fw1 (192.0.2.2:22) is unreachable over SSH.", result.Error);
        Assert.Equal(new[] { "Stopped by an error (the edge was restored): fw1 (192.0.2.2:22) is unreachable over SSH." }, result.Reasons);
        Assert.Null(result.Outage);
        Assert.Null(result.FaultAt);
    }

    [Fact]
    public void A_cancelled_scenario_fails_as_cancelled_without_a_reason()
    {
        var measured = Measured();
        measured.Failure = new OperationCanceledException();

        var result = FailoverJudge.Judge(measured, new FailoverOptions());

        Assert.False(result.Passed);
        Assert.Equal("cancelled", result.Error);
        Assert.Empty(result.Reasons);
    }
}
