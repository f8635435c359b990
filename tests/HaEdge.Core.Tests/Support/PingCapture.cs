using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using HaEdge.Core.Failover;

namespace HaEdge.Core.Tests.Support;

/// <summary>
/// Reads an independent <c>ping -D -O</c> capture (iputils) into samples on the run's clock, so the accuracy
/// bench can put its outage, computed by <see cref="OutageCalculator"/> the same way, beside the engine's.
/// Lines: <c>[1732590000.123456] 64 bytes from 203.0.113.9: icmp_seq=12 ttl=63 time=0.412 ms</c> and, with -O,
/// <c>[1732590000.323456] no answer yet for icmp_seq=13</c>. A sequence number with no line at all is lost too;
/// its send time is interpolated from its neighbours.
/// Not shipped: the xunit tests compile it, and benchmarks/support/PingCapture.ps1 compiles this same file with
/// Add-Type for the accuracy benchmark and the lab's HardStop test.
/// </summary>
public static class PingCapture
{
    private static readonly Regex Reply = new Regex(@"^\[(?<t>\d+\.\d+)\].*icmp_seq=(?<seq>\d+).*time=(?<rtt>[\d.]+) ms", RegexOptions.CultureInvariant);
    private static readonly Regex NoAnswer = new Regex(@"^\[(?<t>\d+\.\d+)\] no answer yet for icmp_seq=(?<seq>\d+)", RegexOptions.CultureInvariant);

    /// <param name="runStartedAt">The engine's <see cref="IFailoverClock.StartedAt"/>, to put both on one time axis.</param>
    public static IReadOnlyList<ProbeSample> Parse(string text, DateTimeOffset runStartedAt, string probe = "ping -D")
    {
        // seq -> (send time, rtt or null)
        var bySeq = new SortedDictionary<int, (TimeSpan SentAt, TimeSpan? Rtt)>();
        foreach (var line in text.Split('\n'))
        {
            var reply = Reply.Match(line);
            if (reply.Success)
            {
                var rtt = TimeSpan.FromMilliseconds(double.Parse(reply.Groups["rtt"].Value, CultureInfo.InvariantCulture));
                // ping -D stamps the reply's arrival; the probe was sent one RTT earlier.
                bySeq[int.Parse(reply.Groups["seq"].Value, CultureInfo.InvariantCulture)] = (Offset(reply.Groups["t"].Value, runStartedAt) - rtt, rtt);
                continue;
            }

            var none = NoAnswer.Match(line);
            if (none.Success)
            {
                var seq = int.Parse(none.Groups["seq"].Value, CultureInfo.InvariantCulture);
                // "no answer yet" is printed when the next probe goes out: the lost one was sent an interval earlier, filled in below.
                if (!bySeq.ContainsKey(seq)) bySeq[seq] = (TimeSpan.MinValue, null);
            }
        }

        if (bySeq.Count == 0) return Array.Empty<ProbeSample>();
        var first = bySeq.Keys.First();
        var last = bySeq.Keys.Last();
        var known = bySeq.Where(p => p.Value.SentAt != TimeSpan.MinValue).ToList();
        if (known.Count == 0) return Array.Empty<ProbeSample>();
        var interval = known.Count > 1
            ? TimeSpan.FromTicks((known[known.Count - 1].Value.SentAt - known[0].Value.SentAt).Ticks / (known[known.Count - 1].Key - known[0].Key))
            : TimeSpan.Zero;
        var samples = new List<ProbeSample>();
        var anchor = known[0];
        for (var seq = first; seq <= last; seq++)
        {
            var has = bySeq.TryGetValue(seq, out var entry) && entry.SentAt != TimeSpan.MinValue;
            if (has) anchor = new KeyValuePair<int, (TimeSpan SentAt, TimeSpan? Rtt)>(seq, entry);
            var sentAt = has ? entry.SentAt : anchor.Value.SentAt + TimeSpan.FromTicks(interval.Ticks * (seq - anchor.Key));
            samples.Add(new ProbeSample
            {
                Probe = probe,
                Kind = ProbeKind.Ping,
                SentAt = sentAt,
                Outcome = has && entry.Rtt.HasValue ? ProbeOutcome.Reply : ProbeOutcome.Lost,
                Rtt = has ? entry.Rtt : null,
            });
        }

        return samples;
    }

    /// <summary>
    /// The accuracy bench's comparison: the engine's outage of <paramref name="result"/> beside the outage of an
    /// independent capture over the same failover window (fault to undo), both by <see cref="OutageCalculator"/>.
    /// </summary>
    public static OutageComparison Compare(FailoverResult result, IReadOnlyList<ProbeSample> capture)
    {
        var from = result.FaultOffset ?? result.StartedAt;
        var to = result.UndoOffset ?? result.EndedAt;
        var reference = result.Probes.FirstOrDefault(p => p.Kind == ProbeKind.Ping) ?? result.Probes.FirstOrDefault();
        return new OutageComparison
        {
            Scenario = result.Scenario,
            Engine = result.Outage ?? TimeSpan.Zero,
            Capture = OutageCalculator.Outage(capture, from, to),
            Interval = reference?.Interval ?? TimeSpan.Zero,
        };
    }

    private static TimeSpan Offset(string epochSeconds, DateTimeOffset runStartedAt)
    {
        var seconds = decimal.Parse(epochSeconds, CultureInfo.InvariantCulture);
        var ticks = (long)(seconds * TimeSpan.TicksPerSecond);
        return new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(ticks) - runStartedAt;
    }
}

/// <summary>The engine's outage beside an independent capture's; they agree when within one probe interval.</summary>
public sealed record OutageComparison
{
    public FailoverScenario Scenario { get; init; }

    public TimeSpan Engine { get; init; }

    public TimeSpan Capture { get; init; }

    /// <summary>The engine's probe interval: the accuracy its outage promises.</summary>
    public TimeSpan Interval { get; init; }

    public TimeSpan Difference => (Engine - Capture).Duration();

    public bool Agrees => Difference <= Interval;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0,-12} engine {1,8:0.000} s   capture {2,8:0.000} s   difference {3,6:0.000} s   {4}",
        Scenario, Engine.TotalSeconds, Capture.TotalSeconds, Difference.TotalSeconds, Agrees ? "agrees (within one interval)" : "DISAGREES");
}
