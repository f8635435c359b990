using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using HaEdge.Core.Failover;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

/// <summary>Issue 15, the failover report: one clock, per-VIP ownership, criteria and run info, embedded JSON, history.</summary>
public class FailoverReportDataTests
{
    private static readonly FailoverRunInfo Run = new()
    {
        Edge = "lab", User = "ops", Host = "laptop-7", ModuleVersion = "0.1.0",
        Primary = "fw1", PrimaryRelease = "2.7.2-RELEASE", Secondary = "fw2",
        ProxmoxVersion = "8.4.21",
    };

    private static async Task<FailoverResult> HardStop(FailoverOptions? options = null, TimeSpan unanswered = default, FailoverRunInfo? run = null)
    {
        var clock = new VirtualClock();
        var edge = new FakeEdge(clock) { UnansweredReadTime = unanswered };
        return await new FailoverRunner(edge.Environment(), options ?? new FailoverOptions(), new RecordingReporter(), clock, run)
            .RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None);
    }

    [Fact]
    public async Task A_carp_change_is_stamped_with_the_poll_that_saw_it_as_the_ownership_rows_are()
    {
        // A hard-stopped firewall holds each poll for its answer timeout, as PollAnswerTimeout does on a real edge.
        var r = await HardStop(unanswered: TimeSpan.FromSeconds(1));

        var change = r.Timeline.First(e => e.Kind == TimelineEventKind.CarpStateChanged && e.Subject == "fw2" && e.Message.EndsWith("BACKUP -> MASTER"));
        var vip = change.Message.Substring(0, change.Message.IndexOf(" BACKUP", StringComparison.Ordinal));
        var firstFw2 = r.VipOwnership.First(v => v.Vip == vip && v.Owner == "fw2");
        Assert.Equal(firstFw2.At, change.At);
        Assert.Contains(r.Ownership, o => o.At == change.At);
    }

    [Fact]
    public async Task Ownership_is_recorded_per_vip()
    {
        var r = await HardStop();

        var polls = r.VipOwnership.GroupBy(v => v.Poll).ToList();
        Assert.Equal(Enumerable.Range(0, r.Ownership.Count), polls.Select(p => p.Key));
        Assert.All(polls, p => Assert.Equal(FakeEdge.VipNames.OrderBy(v => v), p.Select(v => v.Vip).OrderBy(v => v)));
        Assert.All(polls, p => Assert.All(p, v => Assert.Equal(r.Ownership[p.Key].At, v.At)));
        Assert.Contains(polls, p => p.All(v => v.Owner == "fw2"));
        var html = FailoverReport.ToHtml(new[] { r });
        foreach (var name in FakeEdge.VipNames) Assert.Contains($">{name}</text>", html);
    }

    [Fact]
    public async Task The_report_shows_the_criteria_beside_the_values_the_run_info_and_utc_times()
    {
        var r = await HardStop(new FailoverOptions { MaxOutage = TimeSpan.FromSeconds(7) }, run: Run);

        Assert.Equal(TimeSpan.FromSeconds(7), r.Criteria!.MaxOutage);
        Assert.Same(Run, r.Run);
        var html = FailoverReport.ToHtml(new[] { r });
        Assert.Matches(@"Outage during the failover \(MaxOutage\)</td><td>\u2264 7\.000 s</td><td>\d+\.\d{3} s</td><td class=""met"">met", html);
        Assert.Contains("<dt>Run by</dt><dd>ops</dd>", html);
        Assert.Contains("<dt>From</dt><dd>laptop-7</dd>", html);
        Assert.Contains("<dt>fw1 pfSense</dt><dd>2.7.2-RELEASE</dd>", html);
        Assert.Contains("<dt>fw2 pfSense</dt><dd>unknown</dd>", html);
        Assert.Contains("<dt>Proxmox VE</dt><dd>8.4.21</dd>", html);
        // The virtual clock starts 2026-11-26 04:00 UTC: every event row carries its instant and its offset.
        var fault = r.Timeline.First(e => e.Kind == TimelineEventKind.FaultInjected);
        var utc = (r.RunStartedAt + fault.At).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        Assert.Contains($"<time>{utc}</time></td><td>+{(fault.At - r.StartedAt).TotalSeconds:0.000} s", html);
        Assert.Contains("RTT (ms, log)", html);
        Assert.Contains("TCP session ramp:", html);
    }

    [Fact]
    public async Task The_embedded_json_reads_back_to_the_same_results()
    {
        var results = new List<FailoverResult>(await FailoverReportTests.SampleResults()) { await HardStop(run: Run) };
        var html = FailoverReport.ToHtml(results);

        Assert.Single(Regex.Matches(html, "<script"));
        var back = FailoverResultsJson.Read(html, "report.html");

        Assert.Equal(results.Count, back.Count);
        Assert.Equal(FailoverResultsJson.Write(results), FailoverResultsJson.Write(back));
        for (var i = 0; i < results.Count; i++) AssertSame(results[i], back[i]);
    }

    [Fact]
    public async Task Results_read_back_from_a_tree_of_names_as_powershell_deserializes_them()
    {
        var original = await HardStop(run: Run);

        var back = FailoverResultsJson.FromTree(Tree(original), "clixml");

        AssertSame(original, back);
        Assert.Equal(FailoverResultsJson.Write(new[] { original }), FailoverResultsJson.Write(new[] { back }));
    }

    [Fact]
    public void What_is_not_results_is_refused_with_a_stable_id()
    {
        var e = Assert.Throws<HaEdgeException>(() => FailoverResultsJson.Read("<html><body>no data</body></html>", "old.html"));
        Assert.Equal("FailoverResultsInvalid", e.ErrorId);
        e = Assert.Throws<HaEdgeException>(() => FailoverResultsJson.Read("[{\"Name\":\"x\"}]", "other.json"));
        Assert.Equal("FailoverResultsInvalid", e.ErrorId);
    }

    [Fact]
    public async Task The_history_shows_the_outage_per_run_and_scenario()
    {
        var runs = new List<FailoverResult>();
        for (var i = 0; i < 3; i++)
        {
            var r = await HardStop(run: Run);
            runs.Add(r with { RunStartedAt = r.RunStartedAt.AddDays(i), Outage = TimeSpan.FromSeconds(2 + i), Passed = i != 2 });
        }

        var html = FailoverReport.ToHistoryHtml(runs);

        Assert.Contains("3 runs, 3 scenarios, 2 passed", html);
        Assert.Equal(3, Regex.Matches(html, "<tr><td>2026-11-2[678]T04:00:00.000Z</td>").Count);
        Assert.Contains("<span class=\"badge pass\">PASS</span> 2.000 s <small>(max 10.000 s)</small>", html);
        Assert.Contains("<span class=\"badge fail\">FAIL</span> 4.000 s", html);
        Assert.Equal(3, Regex.Matches(html, "<circle ").Count);
        Assert.Equal(FailoverResultsJson.Write(runs), FailoverResultsJson.Write(FailoverResultsJson.Read(html, "history.html")));
    }

    private static void AssertSame(FailoverResult expected, FailoverResult actual)
    {
        Assert.Equal(expected.Scenario, actual.Scenario);
        Assert.Equal(expected.Passed, actual.Passed);
        Assert.Equal(expected.Expected, actual.Expected);
        Assert.Equal(expected.Outage, actual.Outage);
        Assert.Equal(expected.FaultAt, actual.FaultAt);
        Assert.Equal(expected.RunStartedAt, actual.RunStartedAt);
        Assert.Equal(expected.Reasons, actual.Reasons);
        Assert.Equal(expected.Timeline, actual.Timeline);
        Assert.Equal(expected.Samples, actual.Samples);
        Assert.Equal(expected.Probes, actual.Probes);
        Assert.Equal(expected.Gates, actual.Gates);
        Assert.Equal(expected.Criteria, actual.Criteria);
        Assert.Equal(expected.Ownership, actual.Ownership);
        Assert.Equal(expected.VipOwnership, actual.VipOwnership);
        Assert.Equal(expected.Run, actual.Run);
    }

    /// <summary>An object as PowerShell hands a deserialized one over: property names to values, lists, plain values.</summary>
    private static object? Tree(object? value) => value switch
    {
        null => null,
        string or bool or Enum or TimeSpan or DateTimeOffset or DateTime or int or long or double => value,
        IEnumerable items => items.Cast<object?>().Select(Tree).ToList(),
        _ => value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .ToDictionary(p => p.Name, p => Tree(p.GetValue(value))),
    };
}
