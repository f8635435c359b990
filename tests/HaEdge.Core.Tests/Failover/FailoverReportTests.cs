using System.Text.RegularExpressions;
using System.Xml.Linq;
using HaEdge.Core.Failover;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

public class FailoverReportTests
{
    /// <summary>A passing and a failing HardStop from the fake pair, as a run would return them.</summary>
    internal static async Task<IReadOnlyList<FailoverResult>> SampleResults()
    {
        var results = new List<FailoverResult>();
        foreach (var syncCut in new[] { false, true })
        {
            var clock = new VirtualClock();
            var edge = new FakeEdge(clock) { SyncCut = syncCut };
            var runner = new FailoverRunner(edge.Environment(), new FailoverOptions(), new RecordingReporter(), clock);
            results.Add(await runner.RunScenarioAsync(FailoverScenario.HardStop, CancellationToken.None));
        }

        var wanClock = new VirtualClock();
        var wanEdge = new FakeEdge(wanClock);
        results.Add(await new FailoverRunner(wanEdge.Environment(), new FailoverOptions(), new RecordingReporter(), wanClock)
            .RunScenarioAsync(FailoverScenario.WanPull, CancellationToken.None));
        return results;
    }

    [Fact]
    public async Task The_report_is_one_self_contained_html_file_with_a_chart_per_scenario()
    {
        var results = await SampleResults();
        var path = Path.Combine(Path.GetTempPath(), "haedge-report-" + Guid.NewGuid().ToString("N"), "failover.html");
        try
        {
            FailoverReport.WriteHtml(results, path);

            var html = File.ReadAllText(path);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains("<style>", html);
            // Nothing fetched from elsewhere: no stylesheets, images or fonts by URL, and no script but the results as data.
            Assert.DoesNotMatch(new Regex(@"<link|<img|@import|url\(|src=", RegexOptions.IgnoreCase), html);
            Assert.Equal(new[] { "<script type=\"application/json\" id=\"haedge-results\">" },
                Regex.Matches(html, "<script[^>]*>", RegexOptions.IgnoreCase).Select(m => m.Value));
            Assert.DoesNotMatch(new Regex(@"href=""(?!#)", RegexOptions.IgnoreCase), html);
            Assert.Equal(3, Regex.Matches(html, "<section class=\"card\"").Count);
            Assert.Equal(3, Regex.Matches(html, "<svg ").Count);
            Assert.Contains("2 of 3 scenarios passed", html);
            Assert.Contains("<span class=\"badge fail\">FAILED</span>", html);
            Assert.Contains("did not survive", html);
            Assert.Contains("fw2 MASTER", html);
            Assert.Contains("no MASTER", html);
            Assert.Contains("WAN_FIBRE \u2192 WAN_STARLINK", html);

            // Each chart is well-formed SVG with the lanes the issue asks for.
            foreach (Match svg in Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline))
            {
                var doc = XDocument.Parse(svg.Value);
                XNamespace ns = "http://www.w3.org/2000/svg";
                var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
                Assert.Contains("RTT (ms, log)", texts);
                Assert.Contains(FakeEdge.VipNames[0], texts);
                Assert.Contains("Ping loss", texts);
                Assert.Contains("fault", texts);
                Assert.Contains("undo", texts);
                Assert.NotEmpty(doc.Descendants(ns + "polyline"));
                Assert.NotEmpty(doc.Descendants(ns + "circle"));
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }

    [Fact]
    public void Text_from_the_edge_is_escaped()
    {
        var result = new FailoverResult
        {
            Scenario = FailoverScenario.Maintenance,
            Reasons = new[] { "<script>alert(1)</script> & more" },
            Timeline = new[] { new TimelineEvent { Kind = TimelineEventKind.Error, Message = "a<b" } },
        };

        var html = FailoverReport.ToHtml(new[] { result });

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more", html);
        Assert.Contains("a&lt;b", html);
    }
}
