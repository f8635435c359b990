using HaEdge.Core.Carp;
using HaEdge.Core.Failover;
using HaEdge.Core.Gateways;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

public class FailoverGatesTests
{
    private static readonly string[] Vips = { "vhid 1 on vtnet1", "vhid 2 on vtnet0" };

    private static FirewallCarpView Firewall(string name, CarpState state, bool maintenance = false, bool reachable = true, string[]? vips = null) => new()
    {
        Firewall = name,
        Reachable = reachable,
        Error = reachable ? null : "connection timed out",
        Vips = reachable ? (vips ?? Vips).Select(v => new VipView { Vip = v, State = state, Maintenance = maintenance }).ToList() : Array.Empty<VipView>(),
    };

    private static PreflightSnapshot Healthy() => new()
    {
        Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup) } },
        PfsyncInSync = true,
        Gateways = new[]
        {
            new GatewayView { Firewall = "fw2", Name = "WAN_FIBRE", Health = GatewayHealth.Online, Status = "online" },
            new GatewayView { Firewall = "fw2", Name = "WAN_STARLINK", Health = GatewayHealth.Warning, Status = "online" },
        },
        Vms = new[]
        {
            new VmView { Firewall = "fw1", VmId = 101, Node = "pve1", Running = true },
            new VmView { Firewall = "fw2", VmId = 102, Node = "pve2", Running = true },
        },
    };

    // The snapshot is typed object: PreflightSnapshot is internal to HaEdge.Core and a public test method cannot name it.
    public static TheoryData<string, object, string, string> Cases() => new()
    {
        {
            "split brain", Healthy() with { Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Master) } } },
            FailoverGates.OneMasterPerVip, "vhid 1 on vtnet1 is MASTER on fw1 and fw2; vhid 2 on vtnet0 is MASTER on fw1 and fw2."
        },
        {
            "no master", Healthy() with { Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Backup), Firewall("fw2", CarpState.Backup) } } },
            FailoverGates.OneMasterPerVip, "vhid 1 on vtnet1 has no MASTER; vhid 2 on vtnet0 has no MASTER."
        },
        {
            "vips split across nodes", Healthy() with { Carp = new CarpSnapshot { Firewalls = new[]
            {
                Firewall("fw1", CarpState.Master, vips: new[] { Vips[0] }) with { Vips = new[] { new VipView { Vip = Vips[0], State = CarpState.Master }, new VipView { Vip = Vips[1], State = CarpState.Backup } } },
                Firewall("fw2", CarpState.Backup) with { Vips = new[] { new VipView { Vip = Vips[0], State = CarpState.Backup }, new VipView { Vip = Vips[1], State = CarpState.Master } } },
            } } },
            FailoverGates.OneMasterPerVip, "The VIPs are split between the firewalls: a fault would test only part of them."
        },
        {
            "peer unreachable", Healthy() with { Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup, reachable: false) } } },
            FailoverGates.PeerHealthy, "fw2 cannot be read: connection timed out"
        },
        {
            "peer in maintenance", Healthy() with { Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup, maintenance: true) } } },
            FailoverGates.PeerHealthy, "fw2 is in CARP maintenance mode and would not take over."
        },
        {
            "peer lacks a vip", Healthy() with { Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup, vips: new[] { Vips[0] }) } } },
            FailoverGates.PeerHealthy, "fw2 lacks vhid 2 on vtnet0."
        },
        {
            "peer init", Healthy() with { Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Init) } } },
            FailoverGates.PeerHealthy, "fw2 is not BACKUP everywhere: vhid 1 on vtnet1 is INIT, vhid 2 on vtnet0 is INIT."
        },
        {
            "pfsync not in sync", Healthy() with { PfsyncInSync = false, PfsyncReasons = new[] { "fw2: the pfsync bulk update has not completed (syncok: 0)." } },
            FailoverGates.PfsyncInSync, "fw2: the pfsync bulk update has not completed (syncok: 0)."
        },
        {
            "pfsync unreadable", Healthy() with { PfsyncInSync = null },
            FailoverGates.PfsyncInSync, "pfsync could not be read."
        },
        {
            "peer gateway down", Healthy() with { Gateways = new[]
            {
                new GatewayView { Firewall = "fw2", Name = "WAN_FIBRE", Health = GatewayHealth.Online, Status = "online" },
                new GatewayView { Firewall = "fw2", Name = "WAN_STARLINK", Health = GatewayHealth.Down, Status = "down" },
                new GatewayView { Firewall = "fw1", Name = "WAN_STARLINK", Health = GatewayHealth.Online, Status = "online" },
            } },
            FailoverGates.PeerGatewaysOnline, "fw2 would take over with gateways not online: WAN_STARLINK is down."
        },
        {
            "peer gateways unreadable", Healthy() with { Gateways = Array.Empty<GatewayView>(), GatewayFailures = new[] { "fw2 could not be read: timeout" } },
            FailoverGates.PeerGatewaysOnline, "fw2 could not be read: timeout"
        },
        {
            "both vms on one node", Healthy() with { Vms = new[]
            {
                new VmView { Firewall = "fw1", VmId = 101, Node = "pve1", Running = true },
                new VmView { Firewall = "fw2", VmId = 102, Node = "pve1", Running = true },
            } },
            FailoverGates.AntiAffinity, "fw1 and fw2 both run on pve1: losing that node loses the edge."
        },
        {
            "a vm stopped", Healthy() with { Vms = new[]
            {
                new VmView { Firewall = "fw1", VmId = 101, Node = "pve1", Running = true },
                new VmView { Firewall = "fw2", VmId = 102, Node = "pve2", Running = false },
            } },
            FailoverGates.AntiAffinity, "VM 102 (fw2) is not running."
        },
    };

    [Fact]
    public void A_healthy_edge_passes_every_gate()
    {
        var gates = FailoverGates.Evaluate(Healthy());

        Assert.Equal(new[] { FailoverGates.OneMasterPerVip, FailoverGates.PeerHealthy, FailoverGates.PfsyncInSync, FailoverGates.PeerGatewaysOnline, FailoverGates.AntiAffinity },
            gates.Select(g => g.Gate));
        Assert.All(gates, g => Assert.True(g.Passed, g.ToString()));
        Assert.Equal("fw1 is the only MASTER of all 2 VIPs.", gates[0].Reason);
        Assert.Empty(FailoverGates.RestoreProblems(Healthy()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_fault_in_the_edge_fails_its_gate_with_its_reason(string name, object snapshot, string gate, string reason)
    {
        var failed = FailoverGates.Evaluate((PreflightSnapshot)snapshot).Single(g => g.Gate == gate);

        Assert.False(failed.Passed, name);
        Assert.Equal(reason, failed.Reason);
    }

    [Fact]
    public void The_restore_check_names_everything_left_to_fix()
    {
        var snapshot = Healthy() with
        {
            Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Backup, maintenance: true), Firewall("fw2", CarpState.Backup) } },
            Vms = new[] { new VmView { Firewall = "fw2", VmId = 102, Node = "pve2", Running = false } },
        };

        Assert.Equal(new[]
        {
            "VM 102 (fw2) on pve2 is not running: start it.",
            "fw1 is in CARP maintenance mode: run 'Set-CarpMaintenance -Disable -Firewall fw1'.",
            "vhid 1 on vtnet1 has no MASTER: nobody answers for it.",
            "vhid 2 on vtnet0 has no MASTER: nobody answers for it.",
        }, FailoverGates.RestoreProblems(snapshot));
    }

    [Fact]
    public void The_restore_check_holds_every_gateway_that_was_up_before_and_the_default_route()
    {
        var before = Healthy();
        var now = Healthy() with
        {
            Gateways = new[]
            {
                new GatewayView { Firewall = "fw2", Name = "WAN_FIBRE", Health = GatewayHealth.Down, Status = "force_down" },
                new GatewayView { Firewall = "fw2", Name = "WAN_STARLINK", Health = GatewayHealth.Online, Status = "online" },
            },
        };
        var route = new RouteReading { Firewall = "fw1", Expected = "WAN_FIBRE", Actual = "WAN_STARLINK" };

        Assert.Equal(new[]
        {
            "Gateway WAN_FIBRE of fw2 is force_down, not online as before: clear a force_down left on it, or restore the upstream.",
            "The default route of fw1 is WAN_STARLINK, not WAN_FIBRE as before: check Get-PfGateway -Firewall fw1 (a gateway still marked down, or its monitor not yet seeing it up).",
        }, FailoverGates.RestoreProblems(now, before, route));
        // Without the reading from before, only the route can be judged; a gateway down before the fault is not the fault's.
        Assert.Single(FailoverGates.RestoreProblems(now, null, route));
        Assert.Empty(FailoverGates.RestoreProblems(now, now, route with { Actual = "WAN_FIBRE" }));
    }

    [Fact]
    public void With_failback_to_the_original_the_restore_check_waits_for_every_vip_back_where_it_was()
    {
        // The moment after an undone WAN pull: the peer still holds the VIPs, preemption has not given them back yet.
        var before = Healthy();
        var now = Healthy() with { Carp = new CarpSnapshot { Firewalls = new[] { Firewall("fw1", CarpState.Backup), Firewall("fw2", CarpState.Master) } } };

        Assert.Equal(new[]
        {
            "vhid 1 on vtnet1 is MASTER on fw2, not on fw1 as before: CARP preemption gives it back once fw1 advertises again; if it does not, check fw1's advskew and demotion (Get-CarpStatus -Firewall fw1).",
            "vhid 2 on vtnet0 is MASTER on fw2, not on fw1 as before: CARP preemption gives it back once fw1 advertises again; if it does not, check fw1's advskew and demotion (Get-CarpStatus -Firewall fw1).",
        }, FailoverGates.RestoreProblems(now, before, backOnOriginal: true));
        // Without failback to the original (-NoFailbackToOriginal), one MASTER anywhere is restored.
        Assert.Empty(FailoverGates.RestoreProblems(now, before));
        Assert.Empty(FailoverGates.RestoreProblems(before, before, backOnOriginal: true));
    }

    [Fact]
    public void The_restore_check_names_a_firewall_whose_gateways_can_no_longer_be_read()
    {
        var now = Healthy() with { Gateways = Array.Empty<GatewayView>(), GatewayFailures = new[] { "fw2: no answer within 10 s" } };

        Assert.Equal(new[] { "The gateways could not be read (fw2: no answer within 10 s): check Get-PfGateway." }, FailoverGates.RestoreProblems(now, Healthy()));
    }

    [Theory]
    [InlineData("WAN_GROUP", true, true, "fw1: gateway group WAN_GROUP, fw2: gateway group WAN_GROUP: the default route follows gateway health.")]
    [InlineData("", false, true, "fw1: Automatic, fw2: Automatic: the default route follows gateway health.")]
    [InlineData("WAN_FIBRE", false, false, "fw1's default gateway is fixed to WAN_FIBRE, and pfSense keeps a fixed default route on its gateway even when that gateway is down; fw2's default gateway is fixed to WAN_FIBRE, and pfSense keeps a fixed default route on its gateway even when that gateway is down. Set System > Routing > Gateways > Default gateway IPv4 to the gateway group (or Automatic), or test the WAN with -WanPullMethod LinkDown.")]
    [InlineData("-", false, false, "fw1 has no default gateway (Default gateway IPv4 is None); fw2 has no default gateway (Default gateway IPv4 is None). Set System > Routing > Gateways > Default gateway IPv4 to the gateway group (or Automatic), or test the WAN with -WanPullMethod LinkDown.")]
    public void A_route_failover_needs_a_default_gateway_setting_that_follows_gateway_health(string setting, bool isGroup, bool passes, string reason)
    {
        var snapshot = Healthy() with
        {
            DefaultGateways = new[] { "fw1", "fw2" }.Select(f => new DefaultGatewayView { Firewall = f, Setting = setting, IsGroup = isGroup }).ToList(),
        };

        var gate = FailoverGates.Evaluate(snapshot, ExpectedFailover.RouteMoves).Single(g => g.Gate == FailoverGates.DefaultRouteFollowsGateways);

        Assert.Equal((passes, reason), (gate.Passed, gate.Reason));
        // A CARP failover does not depend on it.
        Assert.DoesNotContain(FailoverGates.Evaluate(snapshot, ExpectedFailover.CarpMoves), g => g.Gate == FailoverGates.DefaultRouteFollowsGateways);
    }
}
