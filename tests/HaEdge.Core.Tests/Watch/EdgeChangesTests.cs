using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.Watch;
using Xunit;

namespace HaEdge.Core.Tests.Watch;

public class EdgeChangesTests
{
    private const string Vip = "vhid 1 on vtnet0";
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly WatchThresholds Thresholds = new WatchThresholds();

    internal static WatchedFirewall Firewall(string name, CarpState state, bool maintenance = false, string route = "WAN_FIBRE", string wan = "online",
        double loss = 0, long states = 40, bool pfsyncOk = true) => new WatchedFirewall
    {
        Name = name,
        State = AnswerState.Answered,
        Vips = new Dictionary<string, WatchedVip> { [Vip] = new WatchedVip(1, "vtnet0", state) },
        Maintenance = maintenance,
        Gateways = new[]
        {
            new WatchedGateway { Name = "WAN_FIBRE", Status = wan, Up = wan == "online", LossPercent = loss, DelayMs = 10, Preferred = true },
            new WatchedGateway { Name = "WAN_STARLINK", Status = "online", Up = true, LossPercent = 0, DelayMs = 40, Preferred = false },
        },
        DefaultRoute = route,
        PfsyncOk = pfsyncOk,
        States = states,
    };

    private static WatchedFirewall Silent(string name, AnswerState state = AnswerState.Failed) =>
        new WatchedFirewall { Name = name, State = state, Error = state == AnswerState.Failed ? "timed out" : null };

    internal static EdgeReading Reading(int second, WatchedFirewall fw1, WatchedFirewall fw2, bool quorate = true, string fw1Node = "pve1") => new EdgeReading
    {
        Edge = "hel",
        Primary = "fw1",
        Time = T0.AddSeconds(second),
        Firewalls = new[] { fw1, fw2 },
        Verdicts = fw1.Answered && fw2.Answered
            ? new Dictionary<string, CarpPairVerdict> { [Vip] = fw1.Vips[Vip].State == CarpState.Master && fw2.Vips[Vip].State == CarpState.Master ? CarpPairVerdict.SplitBrain : CarpPairVerdict.Healthy }
            : new Dictionary<string, CarpPairVerdict>(),
        PfsyncInSync = fw1.Answered && fw2.Answered ? true : null,
        ProxmoxState = AnswerState.Answered,
        Quorate = quorate,
        Nodes = new Dictionary<string, bool> { ["pve1"] = true, ["pve2"] = true },
        Vms = new[] { new WatchedVm { Firewall = "fw1", Node = fw1Node, Status = "running" }, new WatchedVm { Firewall = "fw2", Node = "pve2", Status = "running" } },
    };

    private static EdgeReading Healthy(int second) => Reading(second, Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup));

    /// <summary>Feeds the readings through the watch and returns every event after the Started one.</summary>
    private static List<HaEdgeEvent> Watch(params EdgeReading[] readings)
    {
        var (_, known) = EdgeChanges.Start(readings[0]);
        var events = new List<HaEdgeEvent>();
        foreach (var reading in readings.Skip(1))
        {
            var (seen, next) = EdgeChanges.Advance(known, reading, Thresholds);
            events.AddRange(seen);
            known = next;
        }

        return events;
    }

    [Fact]
    public void Started_describes_the_owner_routes_pfsync_and_quorum()
    {
        var (started, _) = EdgeChanges.Start(Healthy(0));
        Assert.Equal(HaEdgeEventKind.Started, started.Kind);
        Assert.Equal("fw1 owns vhid 1 on vtnet0; fw1's default route WAN_FIBRE; fw2's default route WAN_FIBRE; pfsync in sync; cluster quorate", started.After);
    }

    [Fact]
    public void A_quiet_edge_has_no_events()
    {
        Assert.Empty(Watch(Healthy(0), Healthy(1), Healthy(2), Healthy(3)));
    }

    [Fact]
    public void A_hard_stop_is_unreachable_then_one_owner_change_and_failback_the_other_way()
    {
        var events = Watch(
            Healthy(0),
            Reading(1, Silent("fw1", AnswerState.Pending), Firewall("fw2", CarpState.Backup)),
            Reading(2, Silent("fw1"), Firewall("fw2", CarpState.Backup)),
            Reading(3, Silent("fw1"), Firewall("fw2", CarpState.Master)),
            Reading(4, Silent("fw1"), Firewall("fw2", CarpState.Master)),
            Reading(5, Firewall("fw1", CarpState.Backup), Firewall("fw2", CarpState.Master)),
            Reading(6, Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup)));
        Assert.Equal(new[]
        {
            (HaEdgeEventKind.FirewallUnreachable, "fw1", (string?)"not answering"),
            (HaEdgeEventKind.VipOwnerChanged, Vip, "fw2"),
            (HaEdgeEventKind.FirewallReachable, "fw1", "answering"),
            (HaEdgeEventKind.VipOwnerChanged, Vip, "fw1"),
        }, events.Select(e => (e.Kind, e.Target, e.After)));
        Assert.Equal("fw1", events[1].Before);
        Assert.Equal(T0.AddSeconds(3), events[1].Time);
        Assert.Equal("timed out", events[0].Message.Split(": ")[1]);
    }

    [Fact]
    public void Both_masters_is_a_split_and_a_verdict_change()
    {
        var events = Watch(Healthy(0), Reading(1, Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Master)));
        Assert.Equal(new[] { HaEdgeEventKind.VipOwnerChanged, HaEdgeEventKind.VerdictChanged }, events.Select(e => e.Kind));
        Assert.Equal(EdgeReading.Split, events[0].After);
        Assert.Equal("SplitBrain", events[1].After);
    }

    [Fact]
    public void A_firewall_back_from_a_reboot_is_compared_with_its_last_answer()
    {
        // fw2 went away, and came back in maintenance mode: the change is seen though no reading in between had it.
        var events = Watch(Healthy(0), Reading(1, Firewall("fw1", CarpState.Master), Silent("fw2")),
            Reading(2, Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup, maintenance: true)));
        Assert.Equal(new[] { HaEdgeEventKind.FirewallUnreachable, HaEdgeEventKind.FirewallReachable, HaEdgeEventKind.MaintenanceEntered },
            events.Select(e => e.Kind));
    }

    [Fact]
    public void Gateway_status_default_route_and_loss_crossing_the_threshold()
    {
        var events = Watch(Healthy(0),
            Reading(1, Firewall("fw1", CarpState.Master, loss: 5), Firewall("fw2", CarpState.Backup)),
            Reading(2, Firewall("fw1", CarpState.Master, loss: 30), Firewall("fw2", CarpState.Backup)),
            Reading(3, Firewall("fw1", CarpState.Master, wan: "down", route: "WAN_STARLINK", loss: 100), Firewall("fw2", CarpState.Backup)));
        Assert.Equal(new[] { HaEdgeEventKind.GatewayLossChanged, HaEdgeEventKind.DefaultRouteMoved, HaEdgeEventKind.GatewayStatusChanged },
            events.Select(e => e.Kind));
        Assert.Equal(("5 %", "30 %"), (events[0].Before, events[0].After));
        Assert.Equal(("WAN_FIBRE", "WAN_STARLINK"), (events[1].Before, events[1].After));
        Assert.All(events, e => Assert.Equal("fw1", e.Firewall));
    }

    [Fact]
    public void State_count_jumps_only_fourfold_and_by_at_least_a_hundred()
    {
        // 255 to 127 is what the lab's quiet table did in a minute (states expiring on both firewalls): churn, not a jump.
        var events = Watch(
            Reading(0, Firewall("fw1", CarpState.Master, states: 40), Firewall("fw2", CarpState.Backup, states: 40)),
            Reading(1, Firewall("fw1", CarpState.Master, states: 120), Firewall("fw2", CarpState.Backup, states: 40)),
            Reading(2, Firewall("fw1", CarpState.Master, states: 255), Firewall("fw2", CarpState.Backup, states: 40)),
            Reading(3, Firewall("fw1", CarpState.Master, states: 127), Firewall("fw2", CarpState.Backup, states: 40)),
            Reading(4, Firewall("fw1", CarpState.Master, states: 5000), Firewall("fw2", CarpState.Backup, states: 40)),
            Reading(5, Firewall("fw1", CarpState.Master, states: 4000), Firewall("fw2", CarpState.Backup, states: 40)),
            Reading(6, Firewall("fw1", CarpState.Master, states: 12), Firewall("fw2", CarpState.Backup, states: 40)));
        Assert.Equal(new[] { ("127", "5000"), ("4000", "12") }, events.Select(e => (e.Before!, e.After!)));
        Assert.All(events, e => Assert.Equal(HaEdgeEventKind.StateCountJumped, e.Kind));
    }

    [Fact]
    public void Pfsync_quorum_and_a_vm_moving()
    {
        var events = Watch(Healthy(0),
            Reading(1, Firewall("fw1", CarpState.Master), Firewall("fw2", CarpState.Backup, pfsyncOk: false), quorate: false, fw1Node: "pve2"));
        Assert.Equal(new[] { HaEdgeEventKind.PfsyncChanged, HaEdgeEventKind.QuorumChanged, HaEdgeEventKind.VmChanged }, events.Select(e => e.Kind));
        Assert.Equal("running on pve2", events[2].After);
    }

    [Fact]
    public void Proxmox_not_answering_is_an_event_and_carries_its_last_answer()
    {
        var silent = Healthy(1) with { ProxmoxState = AnswerState.Failed, ProxmoxError = "connection refused", Quorate = null, Nodes = new Dictionary<string, bool>(), Vms = Array.Empty<WatchedVm>() };
        var pending = Healthy(1) with { ProxmoxState = AnswerState.Pending, Quorate = null, Nodes = new Dictionary<string, bool>(), Vms = Array.Empty<WatchedVm>() };
        Assert.Empty(Watch(Healthy(0), pending, Healthy(2)));
        var events = Watch(Healthy(0), silent, silent, Healthy(3));
        Assert.Equal(new[] { HaEdgeEventKind.ProxmoxUnreachable, HaEdgeEventKind.ProxmoxReachable }, events.Select(e => e.Kind));
    }

    [Fact]
    public void Drift_appearing_and_clearing()
    {
        var events = Watch(Healthy(0) with { DriftItems = 0 }, Healthy(1) with { DriftItems = 3 }, Healthy(2) with { DriftItems = null },
            Healthy(3) with { DriftItems = 4 }, Healthy(4) with { DriftItems = 0 });
        Assert.Equal(new[] { ("none", "3"), ("4", "none") }, events.Select(e => (e.Before!, e.After!)));
        Assert.All(events, e => Assert.Equal(HaEdgeEventKind.ConfigDriftChanged, e.Kind));
    }
}
