using System;
using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.Failover;

/// <summary>One poll during a scenario: CARP on both firewalls and, when it matters, one firewall's default gateway.</summary>
internal sealed class Observation
{
    public Observation(TimeSpan at, CarpSnapshot carp, string? routeFirewall, string? gateway)
    {
        At = at;
        Carp = carp;
        RouteFirewall = routeFirewall;
        Gateway = gateway;
    }

    public TimeSpan At { get; }

    public CarpSnapshot Carp { get; }

    /// <summary>Whose default route was read; null when the route was not read at this poll.</summary>
    public string? RouteFirewall { get; }

    public string? Gateway { get; }
}

/// <summary>
/// The timeline of one scenario as it happens: events, CARP changes (diffed poll to poll), ownership and route
/// samples. Every event is narrated through Verbose as it is recorded.
/// </summary>
internal sealed class ScenarioLog
{
    private readonly IFailoverClock clock;
    private readonly IOperationReporter reporter;
    private readonly List<TimelineEvent> events = new List<TimelineEvent>();
    private readonly List<Observation> observations = new List<Observation>();
    private CarpSnapshot? previous;
    private string? previousGateway;
    private string? lastObserverError;

    public ScenarioLog(IFailoverClock clock, IOperationReporter reporter)
    {
        this.clock = clock;
        this.reporter = reporter;
    }

    public IReadOnlyList<TimelineEvent> Events => events;

    public IReadOnlyList<Observation> Observations => observations;

    public void Event(TimelineEventKind kind, string? subject, string message) => Event(clock.Elapsed, kind, subject, message);

    /// <summary>
    /// An event at <paramref name="at"/>: what a poll saw is stamped with the poll's own time, the one the
    /// ownership rows use, not the moment its answers were in (a firewall that does not answer holds a poll for up
    /// to the poll's answer timeout, so the two differ by up to that much).
    /// </summary>
    private void Event(TimeSpan at, TimelineEventKind kind, string? subject, string message)
    {
        var item = new TimelineEvent { At = at, Kind = kind, Subject = subject, Message = message };
        events.Add(item);
        reporter.Verbose(item.ToString());
    }

    public void ObserverFailed(Exception e)
    {
        // A dead MASTER makes the same error at every poll: say it once until it changes.
        if (e.Message == lastObserverError) return;
        lastObserverError = e.Message;
        Event(TimelineEventKind.ObserverError, null, e.Message);
    }

    public void Observe(Observation observation)
    {
        lastObserverError = null;
        observations.Add(observation);
        var now = observation.Carp;
        foreach (var firewall in now.Firewalls)
        {
            var before = previous?.Firewall(firewall.Firewall);
            if (before != null && before.Reachable && !firewall.Reachable)
                Event(observation.At, TimelineEventKind.FirewallUnreachable, firewall.Firewall, $"cannot be read: {firewall.Error}");
            else if (before != null && !before.Reachable && firewall.Reachable)
                Event(observation.At, TimelineEventKind.FirewallReachable, firewall.Firewall, "answers again");
            if (!firewall.Reachable) continue;
            foreach (var vip in firewall.Vips)
            {
                var old = before?.Vips.FirstOrDefault(v => v.Vip == vip.Vip);
                if (before == null || !before.Reachable || old == null || old.State == vip.State) continue;
                Event(observation.At, TimelineEventKind.CarpStateChanged, firewall.Firewall, $"{vip.Vip} {Upper(old.State)} -> {Upper(vip.State)}");
            }

            if (before != null && before.Reachable && before.Maintenance != firewall.Maintenance)
                Event(observation.At, TimelineEventKind.CarpStateChanged, firewall.Firewall, firewall.Maintenance ? "entered maintenance mode" : "left maintenance mode");
        }

        if (observation.RouteFirewall != null)
        {
            if (previousGateway != null && observation.Gateway != previousGateway)
                Event(observation.At, TimelineEventKind.RouteChanged, observation.RouteFirewall, $"default route {previousGateway} -> {observation.Gateway ?? "(none)"}");
            previousGateway = observation.Gateway;
        }

        previous = now;
    }

    /// <summary>The VIP owner at each poll (and the route, when read).</summary>
    public IReadOnlyList<OwnershipSample> Ownership() =>
        observations.Select(o => new OwnershipSample { At = o.At, Owner = o.Carp.OwnerLabel, Gateway = o.RouteFirewall == null ? null : o.Gateway ?? "(none)" }).ToList();

    /// <summary>Each VIP's owner at each poll, for the report's row per VIP.</summary>
    public IReadOnlyList<VipOwnershipSample> VipOwnership() =>
        observations.SelectMany((o, poll) => o.Carp.Vips.Select(v => new VipOwnershipSample { Poll = poll, At = o.At, Vip = v, Owner = o.Carp.OwnerOf(v) })).ToList();

    /// <summary>The first poll in [from, to) where <paramref name="holds"/> was true.</summary>
    public TimeSpan? FirstWhere(TimeSpan from, TimeSpan to, Func<Observation, bool> holds) =>
        observations.FirstOrDefault(o => o.At >= from && o.At < to && holds(o))?.At;

    private static string Upper(Carp.CarpState state) => state.ToString().ToUpperInvariant();
}
