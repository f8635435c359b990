using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;
using static HaEdge.Core.Failover.FailoverPlan;

namespace HaEdge.Core.Failover;

/// <summary>
/// Test-HaFailover's verdict: what one scenario measured in, its <see cref="FailoverResult"/> out. Pure, so each
/// criterion is tested on measurements built by hand; it also says when a poll shows the failover or the failback
/// done, for the runner's waits and the verdict's reasons alike.
/// </summary>
internal static class FailoverJudge
{
    public static FailoverResult Judge(FailoverMeasurements m, FailoverOptions options)
    {
        var reasons = new List<string>();
        var target = m.Target;
        var log = m.Log;
        var end = m.EndedAt;
        var undoAt = m.UndoAt ?? end;
        var faultAt = m.FaultAt ?? end;

        var reference = m.Recordings.FirstOrDefault(r => r.Probe.Kind == ProbeKind.Ping && r.Recording.Samples.Count > 0)
            ?? m.Recordings.FirstOrDefault(r => r.Probe.Kind == ProbeKind.TcpSession && r.Recording.Samples.Count > 0);
        var session = m.Recordings.FirstOrDefault(r => r.Probe.Kind == ProbeKind.TcpSession);
        var summaries = m.Recordings.Select(r => Summarize(r, faultAt, undoAt, end)).ToList();
        var referenceSummary = reference == null ? null : summaries[m.Recordings.IndexOf(reference)];

        bool? sessionSurvived = null;
        if (session != null)
        {
            var last = session.Recording.Samples.LastOrDefault();
            sessionSurvived = session.Recording.Error == null && session.Recording.BrokeAt == null
                && last != null && (last.Outcome == ProbeOutcome.Reply || last.Outcome == ProbeOutcome.Late);
        }

        var carpMoved = log.FirstWhere(faultAt, undoAt, o => o.Carp.Vips.Any(v => o.Carp.MastersOf(v).Contains(target.Peer))).HasValue;
        var vipMovedAt = log.FirstWhere(faultAt, undoAt, o => o.Carp.SoleOwner == target.Peer);
        var routeWatched = m.Expected.HasFlag(ExpectedFailover.RouteMoves);
        var routeMovedAt = routeWatched
            ? log.FirstWhere(faultAt, undoAt, o => o.RouteFirewall == m.FailoverRouteHolder && o.Gateway != null && o.Gateway != m.BaselineGateway)
            : null;
        var gatewayAfter = routeWatched ? log.Observations.LastOrDefault(o => o.At < undoAt && o.RouteFirewall == m.FailoverRouteHolder)?.Gateway : null;
        var newMaster = log.Observations.LastOrDefault(o => o.At >= faultAt && o.At < undoAt)?.Carp.SoleOwner;

        if (m.Failure != null && !(m.Failure is OperationCanceledException)) reasons.Add("Stopped by an error (the edge was restored): " + m.Failure.Message);
        if (m.FaultAt.HasValue && !m.MovedAt.HasValue && m.Failure == null)
            reasons.Add($"Not seen within {Seconds(options.FailoverTimeout)}: {Goal(m.Expected, target)}.");
        if (!m.Expected.HasFlag(ExpectedFailover.CarpMoves) && carpMoved)
            reasons.Add($"CARP moved: {target.Peer} became MASTER, but this fault should only move the default route.");
        if (reference == null) reasons.Add("No probe measured the outage: configure a ping target or a TCP echo service.");
        else if (m.FaultAt.HasValue && referenceSummary!.Outage > options.MaxOutage)
            reasons.Add($"The outage ({Seconds(referenceSummary.Outage)}, {reference.Probe.Name}) exceeds the maximum of {Seconds(options.MaxOutage)}.");
        if (options.RequireSessionSurvival && sessionSurvived == false)
        {
            var rec = session!.Recording;
            reasons.Add(rec.Error != null
                ? $"The TCP session could not be held: {rec.Error}."
                : $"The TCP session to {session.Probe.Target} did not survive"
                  + (rec.BrokeAt.HasValue ? $": it broke at +{Seconds(rec.BrokeAt.Value - faultAt)} after the fault ({rec.BreakReason})" : "")
                  + ". States did not carry over (pfsync).");
        }

        var failbackClean = m.UndoAt.HasValue && m.FailbackAt.HasValue;
        if (m.UndoAt.HasValue && !m.FailbackAt.HasValue && m.Failure == null)
            reasons.Add($"The failback was not clean within {Seconds(options.FailbackTimeout)}: "
                + (log.Observations.LastOrDefault() is Observation last2 ? FailbackPending(last2, m.Expected, target, options.FailbackToOriginal) : "the edge could not be read") + ".");
        if (referenceSummary != null && m.UndoAt.HasValue && referenceSummary.FailbackOutage > options.MaxFailbackOutage)
            reasons.Add($"The failback outage ({Seconds(referenceSummary.FailbackOutage)}) exceeds the maximum of {Seconds(options.MaxFailbackOutage)}.");

        var timeline = log.Events.ToList();
        foreach (var recording in m.Recordings.Where(r => r.Probe.Kind != ProbeKind.Download))
        {
            foreach (var run in OutageCalculator.LossRuns(recording.Recording.Samples, m.StartedAt, end))
            {
                timeline.Add(new TimelineEvent
                {
                    At = run.FirstLostAt, Kind = TimelineEventKind.ProbeLoss, Subject = recording.Probe.Name,
                    Message = $"{run.Lost} lost, {Seconds(run.Duration)}{(run.RecoveredAt.HasValue ? "" : " (not recovered)")}",
                });
            }

            if (recording.Recording.BrokeAt.HasValue)
            {
                timeline.Add(new TimelineEvent
                {
                    At = recording.Recording.BrokeAt.Value, Kind = TimelineEventKind.SessionBroken, Subject = recording.Probe.Name,
                    Message = recording.Recording.BreakReason ?? "broken",
                });
            }
        }

        return new FailoverResult
        {
            Scenario = m.Scenario,
            Passed = reasons.Count == 0 && m.Failure == null && m.FaultAt.HasValue,
            Reasons = reasons,
            Expected = m.Expected,
            Fault = m.Fault,
            OriginalMaster = target.Master,
            NewMaster = newMaster,
            FaultAt = m.FaultDateTime,
            VipMovedAfter = vipMovedAt - m.FaultAt,
            CarpMoved = carpMoved,
            RouteMovedAfter = routeMovedAt - m.FaultAt,
            GatewayBefore = m.BaselineGateway,
            GatewayAfter = gatewayAfter,
            Outage = m.FaultAt.HasValue ? referenceSummary?.Outage : null,
            ProbesSent = referenceSummary?.Sent ?? 0,
            ProbesLost = referenceSummary?.Lost ?? 0,
            ProbeLoss = referenceSummary == null || referenceSummary.Sent == 0 ? 0 : Math.Round(100.0 * referenceSummary.Lost / referenceSummary.Sent, 2),
            SessionSurvived = sessionSurvived,
            StatesBefore = m.StatesBefore,
            StatesAfter = m.StatesAfter,
            FailbackAfter = m.FailbackAt - m.UndoAt,
            FailbackOutage = m.UndoAt.HasValue ? referenceSummary?.FailbackOutage : null,
            FailbackClean = failbackClean,
            Error = m.Failure == null ? null : m.Failure is OperationCanceledException ? "cancelled" : m.Failure.Message,
            Gates = m.Gates,
            Timeline = timeline.OrderBy(e => e.At).ToList(),
            Probes = summaries,
            Samples = m.Recordings.SelectMany(r => r.Recording.Samples).ToList(),
            Ownership = log.Ownership(),
            VipOwnership = log.VipOwnership(),
            RunStartedAt = m.RunStartedAt,
            StartedAt = m.StartedAt,
            FaultOffset = m.FaultAt,
            UndoOffset = m.UndoAt,
            EndedAt = end,
            Criteria = new FailoverCriteria
            {
                MaxOutage = options.MaxOutage,
                MaxFailbackOutage = options.MaxFailbackOutage,
                RequireSessionSurvival = options.RequireSessionSurvival,
                FailbackToOriginal = options.FailbackToOriginal,
                FailoverTimeout = options.FailoverTimeout,
                FailbackTimeout = options.FailbackTimeout,
                Settle = options.Settle,
                FailbackSettle = options.FailbackSettle,
                Force = options.Force,
            },
            Run = m.Run,
        };
    }

    /// <summary>Null once the fault's expected failover is complete, else what is still missing.</summary>
    public static string? FailoverPending(Observation o, ExpectedFailover expected, FaultTarget target)
    {
        var missing = new List<string>();
        if (expected.HasFlag(ExpectedFailover.CarpMoves) && o.Carp.SoleOwner != target.Peer)
            missing.Add($"{target.Peer} is not yet the only MASTER of every VIP");
        if (expected.HasFlag(ExpectedFailover.RouteMoves) && (o.Gateway == null || o.Gateway == target.WanGateway))
            missing.Add($"the default route of {o.RouteFirewall} is still {o.Gateway ?? "unknown"}");
        return missing.Count == 0 ? null : string.Join("; ", missing);
    }

    /// <summary>Null once the edge is back as before the fault, else what is still missing.</summary>
    public static string? FailbackPending(Observation o, ExpectedFailover expected, FaultTarget target, bool failbackToOriginal)
    {
        var missing = new List<string>();
        var carp = o.Carp;
        foreach (var firewall in carp.Firewalls)
        {
            if (!firewall.Reachable) missing.Add($"{firewall.Firewall} cannot be read");
            else if (firewall.Maintenance) missing.Add($"{firewall.Firewall} is in maintenance mode");
            else if (firewall.Vips.Any(v => v.State == CarpState.Init)) missing.Add($"{firewall.Firewall} has VIPs in INIT");
            else if (carp.Vips.Any(v => firewall.Vips.All(f => f.Vip != v))) missing.Add($"{firewall.Firewall} has not rejoined every VIP");
        }

        if (!carp.OneMasterPerVip) missing.Add("not every VIP has exactly one MASTER");
        else if (failbackToOriginal && carp.SoleOwner != target.Master) missing.Add($"the VIPs are not all back on {target.Master}");
        if (expected.HasFlag(ExpectedFailover.RouteMoves) && target.WanGateway != null && o.Gateway != target.WanGateway)
            missing.Add($"the default route of {target.Master} is {o.Gateway ?? "unknown"}, not yet {target.WanGateway} again");
        return missing.Count == 0 ? null : string.Join("; ", missing);
    }

    private static ProbeSummary Summarize(ProbeSet.Recorded recorded, TimeSpan faultAt, TimeSpan undoAt, TimeSpan end)
    {
        var samples = recorded.Recording.Samples;
        var window = samples.Where(s => s.SentAt >= faultAt && s.SentAt < undoAt).ToList();
        return new ProbeSummary
        {
            Probe = recorded.Probe.Name,
            Kind = recorded.Probe.Kind,
            Target = recorded.Probe.Target,
            Interval = recorded.Probe.Interval,
            Sent = window.Count,
            Lost = window.Count(s => !s.Ok),
            Outage = OutageCalculator.Outage(samples, faultAt, undoAt),
            FailbackOutage = OutageCalculator.Outage(samples, undoAt, end),
            BrokeAt = recorded.Recording.BrokeAt,
            BreakReason = recorded.Recording.BreakReason,
            Error = recorded.Recording.Error,
        };
    }
}
