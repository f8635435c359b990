using HaEdge.Core.Failover;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

public class OutageCalculatorTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Probes every 200 ms from 0; "x" lost, "." answered.</summary>
    private static List<ProbeSample> Series(string pattern, Func<int, TimeSpan>? sentAt = null) =>
        pattern.Select((c, i) => new ProbeSample
        {
            Probe = "Ping",
            SentAt = sentAt?.Invoke(i) ?? TimeSpan.FromTicks(Interval.Ticks * i),
            Outcome = c == 'x' ? ProbeOutcome.Lost : ProbeOutcome.Reply,
            Rtt = c == 'x' ? null : TimeSpan.FromMilliseconds(1),
        }).ToList();

    private static readonly TimeSpan End = TimeSpan.FromSeconds(100);

    [Fact]
    public void No_loss_is_no_outage()
    {
        Assert.Equal(TimeSpan.Zero, OutageCalculator.Outage(Series(".........."), TimeSpan.Zero, End));
        Assert.Empty(OutageCalculator.LossRuns(Series(".........."), TimeSpan.Zero, End));
    }

    [Theory]
    // k lost probes on an exact schedule: k × interval.
    [InlineData("....x.....", 200)]
    [InlineData("..xxxxxxxxxxxxxxx.....", 3000)]
    // The longest of several runs.
    [InlineData(".xx....xxxxx...x.", 1000)]
    public void The_outage_is_the_longest_run_from_the_first_lost_send_to_the_first_answered_send(string pattern, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), OutageCalculator.Outage(Series(pattern), TimeSpan.Zero, End));
    }

    [Fact]
    public void Runs_are_listed_with_their_counts_and_times()
    {
        var runs = OutageCalculator.LossRuns(Series(".xx....xxxxx...x"), TimeSpan.Zero, TimeSpan.FromMilliseconds(3400));

        Assert.Equal(3, runs.Count);
        Assert.Equal((TimeSpan.FromMilliseconds(200), (TimeSpan?)TimeSpan.FromMilliseconds(600), 2, TimeSpan.FromMilliseconds(400)),
            (runs[0].FirstLostAt, runs[0].RecoveredAt, runs[0].Lost, runs[0].Duration));
        Assert.Equal((TimeSpan.FromMilliseconds(1400), (TimeSpan?)TimeSpan.FromMilliseconds(2400), 5, TimeSpan.FromMilliseconds(1000)),
            (runs[1].FirstLostAt, runs[1].RecoveredAt, runs[1].Lost, runs[1].Duration));
        // Not recovered before the window's end: it lasts until the end.
        Assert.Equal((TimeSpan.FromMilliseconds(3000), (TimeSpan?)null, 1, TimeSpan.FromMilliseconds(400)),
            (runs[2].FirstLostAt, runs[2].RecoveredAt, runs[2].Lost, runs[2].Duration));
    }

    [Fact]
    public void Real_send_times_are_used_not_the_nominal_schedule()
    {
        // A stalled sender: probe 5 went out 150 ms late; lost 3..5, answered 6 (sent at 1350 ms).
        var series = Series("...xxx....", i => TimeSpan.FromMilliseconds(i * 200 + (i >= 5 ? 150 : 0)));

        var run = OutageCalculator.LongestRun(series, TimeSpan.Zero, End)!;

        Assert.Equal(TimeSpan.FromMilliseconds(600), run.FirstLostAt);
        Assert.Equal(TimeSpan.FromMilliseconds(1350), run.RecoveredAt);
        Assert.Equal(TimeSpan.FromMilliseconds(750), run.Duration);
    }

    [Fact]
    public void Only_probes_sent_inside_the_window_count()
    {
        // Lost 2..4 before the fault window and 10..11 inside it.
        var series = Series("..xxx.....xx....");

        Assert.Equal(TimeSpan.FromMilliseconds(400), OutageCalculator.Outage(series, TimeSpan.FromMilliseconds(1200), End));
        Assert.Equal(TimeSpan.FromMilliseconds(600), OutageCalculator.Outage(series, TimeSpan.Zero, TimeSpan.FromMilliseconds(1200)));
    }

    [Fact]
    public void Late_broken_and_error_probes_count_as_lost()
    {
        var series = Series("..........");
        series[3] = series[3] with { Outcome = ProbeOutcome.Late };
        series[4] = series[4] with { Outcome = ProbeOutcome.Error };
        series[5] = series[5] with { Outcome = ProbeOutcome.Broken };

        Assert.Equal(TimeSpan.FromMilliseconds(600), OutageCalculator.Outage(series, TimeSpan.Zero, End));
    }

    [Fact]
    public void The_engine_and_a_finer_independent_capture_agree_within_one_interval()
    {
        // The path is down from 3.05 s to 6.12 s. The engine pings every 200 ms, an independent capture every 10 ms.
        var down = (From: TimeSpan.FromMilliseconds(3050), To: TimeSpan.FromMilliseconds(6120));
        List<ProbeSample> Probe(TimeSpan interval) => Enumerable.Range(0, (int)(10_000 / interval.TotalMilliseconds)).Select(i =>
        {
            var at = TimeSpan.FromTicks(interval.Ticks * i);
            var lost = at >= down.From && at < down.To;
            return new ProbeSample { SentAt = at, Outcome = lost ? ProbeOutcome.Lost : ProbeOutcome.Reply };
        }).ToList();

        var engine = OutageCalculator.Outage(Probe(Interval), TimeSpan.Zero, TimeSpan.FromSeconds(10));
        var capture = OutageCalculator.Outage(Probe(TimeSpan.FromMilliseconds(10)), TimeSpan.Zero, TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromMilliseconds(3000), engine);
        Assert.Equal(TimeSpan.FromMilliseconds(3070), capture);
        Assert.True((engine - capture).Duration() < Interval);
    }

    [Fact]
    public void A_ping_D_capture_reads_into_samples_on_the_run_clock()
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_764_129_600_000);
        var text = string.Join("\n",
            "PING 203.0.113.9 (203.0.113.9) 56(84) bytes of data.",
            "[1764129600.100500] 64 bytes from 203.0.113.9: icmp_seq=1 ttl=63 time=0.500 ms",
            "[1764129600.110500] 64 bytes from 203.0.113.9: icmp_seq=2 ttl=63 time=0.500 ms",
            "[1764129600.130000] no answer yet for icmp_seq=3",
            // seq 4 and 5 left no line at all (ping -D without -O)
            "[1764129600.150500] 64 bytes from 203.0.113.9: icmp_seq=6 ttl=63 time=0.500 ms",
            "[1764129600.160500] 64 bytes from 203.0.113.9: icmp_seq=7 ttl=63 time=0.500 ms",
            "",
            "--- 203.0.113.9 ping statistics ---");

        var samples = PingCapture.Parse(text, start);

        Assert.Equal(7, samples.Count);
        Assert.Equal(new[] { true, true, false, false, false, true, true }, samples.Select(s => s.Ok));
        Assert.Equal(TimeSpan.FromMilliseconds(100), samples[0].SentAt);
        Assert.Equal(TimeSpan.FromMilliseconds(120), samples[2].SentAt);
        Assert.Equal(TimeSpan.FromMilliseconds(140), samples[4].SentAt);
        Assert.Equal(TimeSpan.FromMilliseconds(0.5), samples[0].Rtt);
        Assert.Equal(TimeSpan.FromMilliseconds(30), OutageCalculator.Outage(samples, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }
}
