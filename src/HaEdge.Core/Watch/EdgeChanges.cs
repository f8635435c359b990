using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.Watch;

/// <summary>When a gateway's loss or delay counts as high: pfSense's own low alarm thresholds by default (gwlb.inc's dpinger defaults).</summary>
internal sealed record WatchThresholds
{
    public double LossPercent { get; init; } = 10;

    public double DelayMs { get; init; } = 200;
}

/// <summary>
/// Turns two readings of the edge into the events between them (pure). What a firewall or Proxmox that did not
/// answer would have said is unknown, not changed: the last answer is carried until it answers again, and then
/// compared with that, so a reboot that left maintenance on is still seen.
/// </summary>
internal static class EdgeChanges
{
    /// <summary>A state count change smaller than this is never a jump (a quiet firewall's few states come and go).</summary>
    public const long StateJumpMinimum = 100;

    /// <summary>The first reading, as the watch knows it, and the event that describes it.</summary>
    public static (HaEdgeEvent Event, EdgeReading Known) Start(EdgeReading first)
    {
        var known = first with
        {
            Firewalls = first.Firewalls.Select(f => f with { Seen = f.Answered }).ToList(),
            Owners = first.VipNames.Select(v => (Vip: v, Owner: first.OwnerOf(v))).Where(o => o.Owner != null).ToDictionary(o => o.Vip, o => o.Owner!, StringComparer.Ordinal),
        };
        var picture = Describe(known);
        return (Event(first, HaEdgeEventKind.Started, null, first.Edge, null, picture, $"Watching {first.Edge}: {picture}."), known);
    }

    /// <summary>The events from <paramref name="known"/> to <paramref name="current"/>, in order of importance, and what the watch knows now.</summary>
    public static (IReadOnlyList<HaEdgeEvent> Events, EdgeReading Known) Advance(EdgeReading known, EdgeReading current, WatchThresholds thresholds)
    {
        var events = new List<HaEdgeEvent>();
        var firewalls = new List<WatchedFirewall>();
        foreach (var now in current.Firewalls)
        {
            var before = known.Firewall(now.Name) ?? new WatchedFirewall { Name = now.Name, State = AnswerState.Pending };
            // A reading still on its way is neither: the firewall stays as it was known.
            if (now.State == AnswerState.Failed && before.State != AnswerState.Failed)
                events.Add(Event(current, HaEdgeEventKind.FirewallUnreachable, now.Name, now.Name, "answering", "not answering", $"{now.Name} does not answer: {now.Error}"));
            if (now.State == AnswerState.Answered && before.State == AnswerState.Failed)
                events.Add(Event(current, HaEdgeEventKind.FirewallReachable, now.Name, now.Name, "not answering", "answering", $"{now.Name} answers again."));
            firewalls.Add(now.Answered ? now with { Seen = true }
                : now.State == AnswerState.Pending ? before with { State = before.State == AnswerState.Failed ? AnswerState.Failed : AnswerState.Pending }
                : before with { State = AnswerState.Failed, Error = now.Error });
        }

        var bothAnswered = current.Firewalls.All(f => f.Answered);
        var next = current with
        {
            Firewalls = firewalls,
            Verdicts = bothAnswered ? current.Verdicts : known.Verdicts,
            PfsyncInSync = current.PfsyncInSync ?? known.PfsyncInSync,
            PfsyncReasons = current.PfsyncInSync == null ? known.PfsyncReasons : current.PfsyncReasons,
            ProxmoxState = current.ProxmoxState == AnswerState.Pending ? known.ProxmoxState : current.ProxmoxState,
            ProxmoxError = current.ProxmoxState == AnswerState.Pending ? known.ProxmoxError : current.ProxmoxError,
            Quorate = current.ProxmoxAnswered ? current.Quorate : known.Quorate,
            Nodes = current.ProxmoxAnswered ? current.Nodes : known.Nodes,
            Vms = current.ProxmoxAnswered ? current.Vms : known.Vms,
            DriftItems = current.DriftItems ?? known.DriftItems,
            Owners = current.VipNames.Union(known.Owners.Keys).Select(v => (Vip: v, Owner: current.OwnerOf(v) ?? Value(known.Owners, v)))
                .Where(o => o.Owner != null).ToDictionary(o => o.Vip, o => o.Owner!, StringComparer.Ordinal),
        };

        foreach (var vip in next.Owners.Keys.OrderBy(v => v, StringComparer.Ordinal))
        {
            var before = Value(known.Owners, vip);
            var after = next.Owners[vip];
            if (before != null && before != after)
                events.Add(Event(current, HaEdgeEventKind.VipOwnerChanged, null, vip, before, after, $"{vip} moved from {before} to {after}."));
        }

        foreach (var pair in next.Verdicts.Where(p => known.Verdicts.ContainsKey(p.Key) && known.Verdicts[p.Key] != p.Value))
            events.Add(Event(current, HaEdgeEventKind.VerdictChanged, null, pair.Key, known.Verdicts[pair.Key].ToString(), pair.Value.ToString(),
                $"{pair.Key} is {pair.Value}, was {known.Verdicts[pair.Key]}."));

        foreach (var now in current.Firewalls.Where(f => f.Answered))
        {
            var before = known.Firewall(now.Name);
            if (before != null && before.Seen) FirewallChanges(events, current, before, now, thresholds);
        }

        if (known.PfsyncInSync != null && current.PfsyncInSync != null && known.PfsyncInSync != current.PfsyncInSync)
        {
            var after = current.PfsyncInSync.Value ? "InSync" : "NotInSync";
            events.Add(Event(current, HaEdgeEventKind.PfsyncChanged, null, "pfsync", current.PfsyncInSync.Value ? "NotInSync" : "InSync", after,
                current.PfsyncInSync.Value ? "pfsync is in sync again." : "pfsync is not in sync: " + string.Join(" ", current.PfsyncReasons)));
        }

        if (known.DriftItems != null && current.DriftItems != null && (known.DriftItems > 0) != (current.DriftItems > 0))
            events.Add(Event(current, HaEdgeEventKind.ConfigDriftChanged, null, "config", Count(known.DriftItems.Value), Count(current.DriftItems.Value),
                current.DriftItems > 0 ? $"The secondary's config drifted from the primary's: {current.DriftItems} difference(s)." : "The config drift cleared."));

        ProxmoxChanges(events, known, current);
        return (events, next);
    }

    private static void FirewallChanges(List<HaEdgeEvent> events, EdgeReading current, WatchedFirewall before, WatchedFirewall now, WatchThresholds thresholds)
    {
        var name = now.Name;
        if (before.Maintenance != now.Maintenance)
            events.Add(now.Maintenance
                ? Event(current, HaEdgeEventKind.MaintenanceEntered, name, name, "off", "on", $"{name} entered CARP maintenance mode.")
                : Event(current, HaEdgeEventKind.MaintenanceLeft, name, name, "on", "off", $"{name} left CARP maintenance mode."));
        if (before.Demotion != now.Demotion)
            events.Add(Event(current, HaEdgeEventKind.DemotionChanged, name, name, Say(before.Demotion), Say(now.Demotion),
                $"{name}'s CARP demotion is {Say(now.Demotion)}, was {Say(before.Demotion)}."));
        if (before.Gateways != null && now.Gateways != null && before.DefaultRoute != now.DefaultRoute)
            events.Add(Event(current, HaEdgeEventKind.DefaultRouteMoved, name, "default route", before.DefaultRoute ?? "none", now.DefaultRoute ?? "none",
                $"{name}'s default route moved from {before.DefaultRoute ?? "none"} to {now.DefaultRoute ?? "none"}."));
        foreach (var gateway in now.Gateways ?? Array.Empty<WatchedGateway>())
        {
            var was = before.Gateways?.FirstOrDefault(g => g.Name == gateway.Name);
            if (was != null) GatewayChanges(events, current, name, was, gateway, thresholds);
        }

        if (before.PfsyncOk != null && now.PfsyncOk != null && before.PfsyncOk != now.PfsyncOk)
            events.Add(Event(current, HaEdgeEventKind.PfsyncChanged, name, "pfsync0", Ok(before.PfsyncOk.Value), Ok(now.PfsyncOk.Value),
                now.PfsyncOk.Value ? $"{name}'s pfsync is ok again." : $"{name}'s pfsync is not ok (no sync interface, or its bulk update has not completed)."));
        if (before.States is long was2 && now.States is long states && IsJump(was2, states))
            events.Add(Event(current, HaEdgeEventKind.StateCountJumped, name, "states", Say(was2), Say(states), $"{name}'s state table went from {Say(was2)} to {Say(states)} entries."));
    }

    private static void GatewayChanges(List<HaEdgeEvent> events, EdgeReading current, string firewall, WatchedGateway before, WatchedGateway now, WatchThresholds thresholds)
    {
        if (before.Status != now.Status)
            events.Add(Event(current, HaEdgeEventKind.GatewayStatusChanged, firewall, now.Name, before.Status, now.Status, $"{now.Name} on {firewall} is {now.Status}, was {before.Status}."));
        if (before.LossPercent is double lossBefore && now.LossPercent is double loss && (lossBefore >= thresholds.LossPercent) != (loss >= thresholds.LossPercent))
            events.Add(Event(current, HaEdgeEventKind.GatewayLossChanged, firewall, now.Name, Percent(lossBefore), Percent(loss),
                $"{now.Name} on {firewall} loses {Percent(loss)} of its probes, was {Percent(lossBefore)} (threshold {Percent(thresholds.LossPercent)})."));
        if (before.DelayMs is double delayBefore && now.DelayMs is double delay && (delayBefore >= thresholds.DelayMs) != (delay >= thresholds.DelayMs))
            events.Add(Event(current, HaEdgeEventKind.GatewayDelayChanged, firewall, now.Name, Ms(delayBefore), Ms(delay),
                $"{now.Name} on {firewall} answers in {Ms(delay)}, was {Ms(delayBefore)} (threshold {Ms(thresholds.DelayMs)})."));
    }

    private static void ProxmoxChanges(List<HaEdgeEvent> events, EdgeReading known, EdgeReading current)
    {
        if (current.ProxmoxState == AnswerState.Failed && known.ProxmoxState != AnswerState.Failed)
            events.Add(Event(current, HaEdgeEventKind.ProxmoxUnreachable, null, "proxmox", "answering", "not answering", $"Proxmox does not answer: {current.ProxmoxError}"));
        if (current.ProxmoxAnswered && known.ProxmoxState == AnswerState.Failed)
            events.Add(Event(current, HaEdgeEventKind.ProxmoxReachable, null, "proxmox", "not answering", "answering", "Proxmox answers again."));
        if (!current.ProxmoxAnswered || known.Quorate == null) return;

        if (known.Quorate != current.Quorate)
            events.Add(Event(current, HaEdgeEventKind.QuorumChanged, null, "cluster", Quorum(known.Quorate.Value), Quorum(current.Quorate!.Value),
                current.Quorate.Value ? "The Proxmox cluster is quorate again." : "The Proxmox cluster lost quorum."));
        foreach (var node in current.Nodes.Where(n => known.Nodes.TryGetValue(n.Key, out var was) && was != n.Value))
            events.Add(Event(current, HaEdgeEventKind.ProxmoxNodeChanged, null, node.Key, Online(!node.Value), Online(node.Value), $"Proxmox node {node.Key} is {Online(node.Value)}."));
        foreach (var vm in current.Vms)
        {
            var was = known.Vms.FirstOrDefault(v => v.Firewall == vm.Firewall);
            if (was != null && (was.Status != vm.Status || !string.Equals(was.Node, vm.Node, StringComparison.OrdinalIgnoreCase)))
                events.Add(Event(current, HaEdgeEventKind.VmChanged, vm.Firewall, vm.Firewall, Where(was), Where(vm), $"{vm.Firewall}'s VM is {Where(vm)}, was {Where(was)}."));
        }
    }

    /// <summary>The watch's picture in one line: owners, default routes, pfsync, quorum, anything not answering.</summary>
    internal static string Describe(EdgeReading known)
    {
        var parts = new List<string>();
        foreach (var owner in known.Owners.GroupBy(o => o.Value, o => o.Key))
            parts.Add(owner.Key == EdgeReading.Split || owner.Key == EdgeReading.None
                ? $"{string.Join(", ", owner)}: {owner.Key}"
                : $"{owner.Key} owns {string.Join(", ", owner)}");
        foreach (var firewall in known.Firewalls)
            parts.Add(firewall.Answered ? $"{firewall.Name}'s default route {firewall.DefaultRoute ?? "none"}" : $"{firewall.Name} does not answer");
        if (known.PfsyncInSync != null) parts.Add(known.PfsyncInSync.Value ? "pfsync in sync" : "pfsync not in sync");
        parts.Add(known.ProxmoxAnswered ? (known.Quorate == true ? "cluster quorate" : "cluster not quorate") : "Proxmox does not answer");
        return string.Join("; ", parts);
    }

    /// <summary>Four times as many or a quarter as many, and at least <see cref="StateJumpMinimum"/>: normal churn halves or doubles a small table.</summary>
    private static bool IsJump(long before, long after) =>
        Math.Abs(after - before) >= StateJumpMinimum && Math.Max(before, after) >= 4 * Math.Min(before, after);

    private static HaEdgeEvent Event(EdgeReading reading, HaEdgeEventKind kind, string? firewall, string target, string? before, string? after, string message) =>
        new HaEdgeEvent { Time = reading.Time, Edge = reading.Edge, Kind = kind, Firewall = firewall, Target = target, Before = before, After = after, Message = message };

    private static string? Value(IReadOnlyDictionary<string, string> owners, string vip) => owners.TryGetValue(vip, out var owner) ? owner : null;

    private static string Where(WatchedVm vm) => vm.Node.Length == 0 ? vm.Status : $"{vm.Status} on {vm.Node}";

    private static string Say(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Ms(double value) => value.ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    private static string Count(int items) => items == 0 ? "none" : Say(items);

    private static string Ok(bool ok) => ok ? "ok" : "not ok";

    private static string Quorum(bool quorate) => quorate ? "quorate" : "not quorate";

    private static string Online(bool online) => online ? "online" : "offline";
}
