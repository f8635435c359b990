using System;
using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.Failover;

/// <summary>
/// Loss runs and the outage, from one probe's samples (pure).
/// <para>
/// Definition: a loss run is a maximal run of consecutive probes that were not answered in time. Its duration is
/// the send time of the first answered probe after the run minus the send time of the first lost probe (k × the
/// interval for k lost probes on an exact schedule, measured from the real send times). The path went down at some
/// t0 in (last good send, first lost send] and came back at some t1 in (last lost send, first good send], so
/// this estimate differs from the true gap t1 − t0 by less than one interval in either direction; an independent
/// capture at a finer interval (ping -D) measured the same way agrees within one probe interval. A run not
/// recovered before the window ends lasts until the window end. The outage is the longest run.
/// </para>
/// <para>Public for one reason: the benchmarks compile the test support's PingCapture with Add-Type against the module,
/// and InternalsVisibleTo does not reach an assembly Add-Type names at random.</para>
/// </summary>
public static class OutageCalculator
{
    /// <summary>Every loss run among the samples sent in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    internal static IReadOnlyList<LossRun> LossRuns(IEnumerable<ProbeSample> samples, TimeSpan from, TimeSpan to)
    {
        var window = samples.Where(s => s.SentAt >= from && s.SentAt < to).OrderBy(s => s.SentAt).ToList();
        var runs = new List<LossRun>();
        ProbeSample? firstLost = null;
        var lost = 0;
        foreach (var sample in window)
        {
            if (!sample.Ok)
            {
                firstLost ??= sample;
                lost++;
                continue;
            }

            if (firstLost != null)
            {
                runs.Add(new LossRun { Probe = firstLost.Probe, FirstLostAt = firstLost.SentAt, RecoveredAt = sample.SentAt, Lost = lost, Duration = sample.SentAt - firstLost.SentAt });
                firstLost = null;
                lost = 0;
            }
        }

        if (firstLost != null)
        {
            runs.Add(new LossRun { Probe = firstLost.Probe, FirstLostAt = firstLost.SentAt, Lost = lost, Duration = to - firstLost.SentAt });
        }

        return runs;
    }

    /// <summary>The longest loss run in the window, or null when every probe was answered.</summary>
    internal static LossRun? LongestRun(IEnumerable<ProbeSample> samples, TimeSpan from, TimeSpan to) =>
        LossRuns(samples, from, to).OrderByDescending(r => r.Duration).ThenBy(r => r.FirstLostAt).FirstOrDefault();

    /// <summary>The outage as defined above: the longest run's duration, zero without loss.</summary>
    public static TimeSpan Outage(IEnumerable<ProbeSample> samples, TimeSpan from, TimeSpan to) =>
        LongestRun(samples, from, to)?.Duration ?? TimeSpan.Zero;
}
