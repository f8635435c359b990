using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;
using Xunit;
using static HaEdge.Core.Tests.Carp.CarpSamples;
using HaEdge.Core.Tests.Support;

namespace HaEdge.Core.Tests.Carp;

/// <summary>
/// Maintenance mode against a simulated pair: pfSsh.php playback sets advskew 254 (or the configured skew) and, after
/// a few reads, the election settles as CARP would (lower effective skew wins, preempt on). The lines are built from
/// ifcarp.c's format (from source); the sysctls are the real fw1 sample and the from-source secondary.
/// </summary>
public class CarpMaintenanceServiceTests
{
    /// <summary>For a handover that does happen (after two reads): it ends as soon as it is seen, so only a loaded machine gets near it.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>For a handover that never happens, whose undo gets as long again.</summary>
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Enable_hands_every_vip_to_the_peer_and_reports_the_time()
    {
        var pair = new SimulatedPair();
        var (service, session) = pair.Service();

        var before = await service.CheckAsync(session.Definition.Primary, enable: true, CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await service.SetAsync(session.Definition.Primary, enable: true, wait: true, Generous, SilentReporter.Instance, CancellationToken.None);
        var outside = watch.Elapsed;

        Assert.All(before.Vips.Where(v => v.Firewall == "fw1"), v => Assert.Equal(CarpState.Master, v.State));
        Assert.Equal(("fw1", "fw2", true, true), (result.Firewall, result.Peer, result.Maintenance, result.Verified));
        // The time of the whole change, the wait between the two reads included: some, and no more than the call took.
        Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(1), outside);
        Assert.All(result.Status.Where(v => v.Firewall == "fw2"), v => Assert.Equal(CarpState.Master, v.State));
        Assert.All(result.Status.Where(v => v.Firewall == "fw1"), v => Assert.Equal((CarpState.Backup, 254, true), (v.State, v.AdvSkew, v.Maintenance)));
        Assert.Contains(PfSenseCommands.EnableMaintenance, pair.Fake.Commands);
        Assert.DoesNotContain(PfSenseCommands.DisableMaintenance, pair.Fake.Commands);
    }

    [Fact]
    public async Task Disable_brings_the_vips_back_where_preemption_applies()
    {
        var pair = new SimulatedPair { Fw1Maintenance = true };
        var (service, session) = pair.Service();

        var result = await service.SetAsync(session.Definition.Primary, enable: false, wait: true, Generous, SilentReporter.Instance, CancellationToken.None);

        Assert.True(result.Verified);
        Assert.All(result.Status.Where(v => v.Firewall == "fw1"), v => Assert.Equal((CarpState.Master, 0), (v.State, v.AdvSkew)));
    }

    [Fact]
    public async Task A_handover_that_does_not_happen_in_time_is_undone_and_said_clearly()
    {
        // The peer never takes over (say its CARP packets are filtered): the change must not stay behind.
        var pair = new SimulatedPair { PeerTakesOver = false };
        var (service, session) = pair.Service();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() =>
            service.SetAsync(session.Definition.Primary, enable: true, wait: true, Short, SilentReporter.Instance, CancellationToken.None));

        Assert.Equal(("CarpHandoverTimeout", FailureKind.OperationTimeout, "fw1"), (error.ErrorId, error.Kind, error.Target));
        Assert.Contains("not yet moved to fw2: vhid 3, vhid 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("It was undone: maintenance mode is off again on fw1", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { PfSenseCommands.EnableMaintenance, PfSenseCommands.DisableMaintenance }, pair.Fake.Commands.Where(c => c.StartsWith("pfSsh", StringComparison.Ordinal)));
        Assert.False(pair.Fw1Maintenance);
    }

    [Fact]
    public async Task An_answer_lost_while_entering_maintenance_is_undone_not_left_on()
    {
        // pfSense ran enablecarpmaint (advskew 254 is set) but the module never heard back.
        var pair = new SimulatedPair { EnableAnswerLost = true };
        var (service, session) = pair.Service();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() =>
            service.SetAsync(session.Definition.Primary, enable: true, wait: true, Generous, SilentReporter.Instance, CancellationToken.None));

        Assert.Equal(("CarpMaintenanceCommandLost", FailureKind.OperationTimeout, "fw1"), (error.ErrorId, error.Kind, error.Target));
        Assert.Contains("may have run", error.Message, StringComparison.Ordinal);
        Assert.Contains("It was undone: maintenance mode is off on fw1", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { PfSenseCommands.EnableMaintenance, PfSenseCommands.DisableMaintenance }, pair.Fake.Commands.Where(c => c.StartsWith("pfSsh", StringComparison.Ordinal)));
        Assert.False(pair.Fw1Maintenance);
    }

    [Fact]
    public async Task Cancelling_the_wait_undoes_the_change()
    {
        var pair = new SimulatedPair { PeerTakesOver = false };
        var (service, session) = pair.Service();
        using var cancel = new CancellationTokenSource();
        // Stopped once the change is made and the wait has begun (not after a guessed time, which a loaded machine could move).
        var stopWhileWaiting = new CancelOnProgress(cancel, "Waiting for");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            service.SetAsync(session.Definition.Primary, enable: true, wait: true, Generous, stopWhileWaiting, cancel.Token));

        Assert.Equal(new[] { PfSenseCommands.EnableMaintenance, PfSenseCommands.DisableMaintenance }, pair.Fake.Commands.Where(c => c.StartsWith("pfSsh", StringComparison.Ordinal)));
        Assert.False(pair.Fw1Maintenance);
    }

    [Fact]
    public async Task Enable_is_refused_when_the_peer_cannot_take_over()
    {
        var pair = new SimulatedPair();
        var (service, session) = pair.Service();
        pair.Fake.Unreachable["fw2"] = true;

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => service.CheckAsync(session.Definition.Primary, enable: true, CancellationToken.None));

        Assert.Equal(("CarpHandoverNotPossible", FailureKind.InvalidOperation), (error.ErrorId, error.Kind));
        Assert.StartsWith("Maintenance mode was not entered on fw1: fw2 could not be read", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(pair.Fake.Commands, c => c.StartsWith("pfSsh", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enable_is_refused_when_the_peer_would_tie_at_the_maximum_skew()
    {
        // Primary advskew 150: the synced secondary has 250, so both advertise 240 in maintenance mode.
        var pair = new SimulatedPair { Fw1Skew = 150, Fw2Skew = 250 };
        var (service, session) = pair.Service();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => service.CheckAsync(session.Definition.Primary, enable: true, CancellationToken.None));

        Assert.Contains("fw2 already advertises skew 240 on vhid 3, vhid 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failback_is_pending_while_the_peer_is_still_master_too()
    {
        // fw1 preempts with the lower skew and is MASTER again; fw2 stays MASTER until it hears fw1's next advertisement.
        var pending = HandedOver(Pair("MASTER", 0, "MASTER", Fw1Sysctl), enable: false);

        Assert.Equal("not yet back on fw1: vhid 3, vhid 1", pending);
    }

    [Fact]
    public void Failback_is_done_once_this_firewall_is_the_only_master()
    {
        Assert.Null(HandedOver(Pair("MASTER", 0, "BACKUP", Fw1Sysctl), enable: false));
    }

    [Fact]
    public void Without_preempt_the_failback_is_done_with_the_vips_staying_on_the_peer()
    {
        Assert.Null(HandedOver(Pair("BACKUP", 0, "MASTER", Fw1SysctlWith("preempt", "0")), enable: false));
    }

    [Fact]
    public void Handover_is_pending_while_this_firewall_is_still_master_too()
    {
        var pending = HandedOver(Pair("MASTER", 254, "MASTER", Fw1Sysctl), enable: true);

        Assert.Equal("not yet moved to fw2: vhid 3, vhid 1", pending);
    }

    [Fact]
    public void Item7_handover_does_not_wait_for_a_vip_pfsense_leaves_out_of_maintenance_on_a_disabled_interface()
    {
        // interface_carp_configure() skips a VIP on a disabled interface: it keeps its skew and stays INIT on both.
        var report = new CarpPairReport(new[]
        {
            new CarpNodeReading("fw1", FirewallRole.Primary,
                IfconfigParser.Parse(FromSourceCarpLine("INIT", 3, 0) + FromSourceCarpLine("BACKUP", 1, 254)).Vips, CarpSysctlParser.Parse(Fw1Sysctl)),
            new CarpNodeReading("fw2", FirewallRole.Secondary,
                IfconfigParser.Parse(FromSourceCarpLine("INIT", 3, 100) + FromSourceCarpLine("MASTER", 1, 100)).Vips, CarpSysctlParser.Parse(FromSourceSysctlHealthy)),
        });

        Assert.Null(HandedOver(report, enable: true));
        using var session = new FakeFirewalls().Session();
        Assert.Equal(new[] { 3 }, CarpMaintenanceService.OutOfMaintenance(report, session.Definition.Primary).Select(v => v.Vhid));
    }

    [Fact]
    public void Maintenance_on_both_members_is_refused_naming_them_but_leaving_both_is_not()
    {
        using var session = new FakeFirewalls().Session();
        var both = new[] { session.Definition.Primary, session.Definition.Secondary };

        var refusal = CarpMaintenanceService.RefuseWholeEdge(both, enable: true);

        Assert.Equal("CarpMaintenanceWholeEdge", refusal?.ErrorId);
        Assert.Contains("fw1 and fw2 are both members of the pair", refusal!.Message, StringComparison.Ordinal);
        Assert.Null(CarpMaintenanceService.RefuseWholeEdge(both, enable: false));
        Assert.Null(CarpMaintenanceService.RefuseWholeEdge(new[] { session.Definition.Secondary }, enable: true));
    }

    /// <summary>fw1 (primary) and fw2 (secondary, advskew 100) each with vhid 3 and 1 in one state.</summary>
    private static CarpPairReport Pair(string fw1State, int fw1Skew, string fw2State, string fw1Sysctl) => new(new[]
    {
        new CarpNodeReading("fw1", FirewallRole.Primary, Vips(fw1State, fw1Skew), CarpSysctlParser.Parse(fw1Sysctl)),
        new CarpNodeReading("fw2", FirewallRole.Secondary, Vips(fw2State, 100), CarpSysctlParser.Parse(FromSourceSysctlHealthy)),
    });

    private static IReadOnlyList<CarpVip> Vips(string state, int skew) =>
        IfconfigParser.Parse(FromSourceCarpLine(state, 3, skew) + FromSourceCarpLine(state, 1, skew)).Vips;

    /// <summary>What is still missing when fw1 enters (enable) or leaves maintenance mode, or null when it is done.</summary>
    private static string? HandedOver(CarpPairReport report, bool enable)
    {
        using var session = new FakeFirewalls().Session();
        return CarpMaintenanceService.HandedOver(report, session.Definition.Primary, session.Definition.Secondary, enable);
    }

    /// <summary>Two firewalls with vhid 3 and 1; the election settles two reads after a change.</summary>
    private sealed class SimulatedPair
    {
        private readonly object gate = new();
        private int settleReads;

        public FakeFirewalls Fake { get; } = new();

        public bool Fw1Maintenance { get; set; }

        public int Fw1Skew { get; init; }

        public int Fw2Skew { get; init; } = 100;

        public bool PeerTakesOver { get; init; } = true;

        /// <summary>fw1 runs enablecarpmaint, but the answer never reaches the module (its SSH command times out).</summary>
        public bool EnableAnswerLost { get; init; }

        private bool fw1Master = true;

        public (CarpMaintenanceService, Session.EdgeSession) Service()
        {
            fw1Master = !Fw1Maintenance;
            Fake.Answer("fw1", command => Answer(command, "fw1"));
            Fake.Answer("fw2", command => Answer(command, "fw2"));
            var session = Fake.Session();
            return (new CarpMaintenanceService(new FirewallShell(session, TimeSpan.FromSeconds(2))) { PollInterval = TimeSpan.FromMilliseconds(20) }, session);
        }

        private (int, string) Answer(string command, string firewall)
        {
            lock (gate)
            {
                switch (command)
                {
                    case PfSenseCommands.EnableMaintenance:
                    case PfSenseCommands.DisableMaintenance:
                        Fw1Maintenance = command == PfSenseCommands.EnableMaintenance;
                        settleReads = 2;
                        if (EnableAnswerLost && Fw1Maintenance)
                            throw new HaEdgeException("SshCommandTimeout", FailureKind.OperationTimeout, "fw1 (192.0.2.2:22) did not answer within 2 s.", "fw1");
                        return (0, "");
                    case "sysctl net.inet.carp":
                        return (0, firewall == "fw1" ? Fw1Sysctl : FromSourceSysctlHealthy);
                    case "ifconfig":
                        if (firewall == "fw1" && settleReads > 0 && --settleReads == 0)
                        {
                            // Lower effective skew wins (preempt); with the peer's adverts filtered nothing moves.
                            var fw1Effective = CarpPairAnalyzer.EffectiveSkew(Fw1Maintenance ? 254 : Fw1Skew, 0);
                            if (PeerTakesOver || !Fw1Maintenance) fw1Master = fw1Effective < Fw2Skew;
                        }

                        var skew = firewall == "fw1" ? (Fw1Maintenance ? 254 : Fw1Skew) : Fw2Skew;
                        var master = firewall == "fw1" ? fw1Master : !fw1Master;
                        var state = master ? "MASTER" : "BACKUP";
                        return (0, FromSourceCarpLine(state, 3, skew) + FromSourceCarpLine(state, 1, skew));
                    default:
                        return (127, "");
                }
            }
        }
    }
}
