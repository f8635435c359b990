using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using HaEdge.Core.Model.Failover;

namespace HaEdge.Core.Failover
{
    /// <summary>
    /// Test-HaFailover's -ReportPath and Export-HaFailoverReport: ONE self-contained HTML file (inline CSS and inline
    /// SVG, no executable script, no external resource) with who ran the test, from where and against which versions,
    /// and per scenario the verdict, the pass criteria beside the measured values, a timeline chart (probe RTT on a log
    /// scale and losses, the fault window, which node owns each VIP, the events) and the event list in UTC and offsets.
    /// Every time on the page is one clock: the run's monotonic offsets, placed in UTC from the run's start. The results
    /// themselves are embedded as JSON (<see cref="FailoverResultsJson"/>) so a script can read the report back.
    /// </summary>
    public static class FailoverReport
    {
        private const int ChartWidth = 1120;
        private const int PlotLeft = 112;
        private const int PlotRight = 24;
        private const int RttTop = 28;
        private const int RttHeight = 190;
        private const int LossLaneHeight = 14;
        private const int BandHeight = 26;
        private const int EventLaneHeight = 30;

        private static readonly string[] ProbeColors = { "#2563eb", "#9333ea", "#0d9488", "#ea580c" };
        private static readonly string[] OwnerColors = { "#0f766e", "#4f46e5", "#b45309", "#be185d" };
        private static readonly string[] RouteColors = { "#0369a1", "#7c3aed", "#64748b", "#a16207" };

        /// <summary>Writes the report to <paramref name="path"/> (UTF-8), replacing any file there.</summary>
        public static void WriteHtml(IEnumerable<FailoverResult> results, string path, string title = "HaEdge failover report") =>
            Write(path, ToHtml(results, title));

        private static void Write(string path, string html)
        {
            var full = Path.GetFullPath(path);
            var folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            File.WriteAllText(full, html, new UTF8Encoding(false));
        }

        public static string ToHtml(IEnumerable<FailoverResult> results, string title = "HaEdge failover report")
        {
            var list = results.ToList();
            var html = new StringBuilder();
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            html.Append("<title>").Append(E(title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
            var passed = list.Count(r => r.Passed);
            html.Append("<header><div class=\"wrap\"><h1>").Append(E(title)).Append("</h1><p class=\"sub\">");
            if (list.Count > 0) html.Append("Run started ").Append(E(Utc(list[0].RunStartedAt))).Append(" &middot; ");
            html.Append(passed).Append(" of ").Append(list.Count).Append(" scenarios passed</p>");
            RunInfo(html, list.Select(r => r.Run).FirstOrDefault(r => r != null));
            html.Append("<nav class=\"chips\">");
            for (var i = 0; i < list.Count; i++)
            {
                var r = list[i];
                html.Append("<a class=\"chip ").Append(r.Passed ? "pass" : "fail").Append("\" href=\"#").Append(Anchor(r, i)).Append("\">")
                    .Append(E(r.Scenario.ToString())).Append(" <b>").Append(r.Passed ? "PASS" : "FAIL").Append("</b></a>");
            }

            html.Append("</nav></div></header>\n<main class=\"wrap\">\n");
            if (list.Count == 0) html.Append("<p class=\"empty\">No scenario was run.</p>\n");
            for (var i = 0; i < list.Count; i++) Scenario(html, list[i], Anchor(list[i], i));
            html.Append("</main>\n<footer class=\"wrap\">Outage: the longest run of lost probes, from the send of the first lost probe to the send of the first answered one after it (accurate to one probe interval). ")
                .Append("One clock: every time is an offset on the run's monotonic clock, shown in UTC from the run's start; a CARP or route change is stamped with the start of the poll that saw it, in the timeline and in the ownership rows alike.</footer>\n");
            Embed(html, list);
            html.Append("</body>\n</html>\n");
            return html.ToString();
        }

        /// <summary>
        /// The history of several runs: per run (by its start) and scenario, the outage, the verdict and the limit it
        /// was judged by, as a table and a chart; the results are embedded as in a report.
        /// </summary>
        public static string ToHistoryHtml(IEnumerable<FailoverResult> results, string title = "HaEdge failover history")
        {
            var list = results.ToList();
            var runs = list.GroupBy(r => r.RunStartedAt).OrderBy(g => g.Key).ToList();
            var scenarios = list.Select(r => r.Scenario).Distinct().OrderBy(s => s).ToList();
            var html = new StringBuilder();
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            html.Append("<title>").Append(E(title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
            html.Append("<header><div class=\"wrap\"><h1>").Append(E(title)).Append("</h1><p class=\"sub\">").Append(runs.Count).Append(" runs, ")
                .Append(list.Count).Append(" scenarios, ").Append(list.Count(r => r.Passed)).Append(" passed");
            if (runs.Count > 0) html.Append(" &middot; ").Append(E(Utc(runs[0].Key))).Append(" to ").Append(E(Utc(runs[runs.Count - 1].Key)));
            html.Append("</p></div></header>\n<main class=\"wrap\">\n<section class=\"card\" id=\"history\"><div class=\"head\"><h2>Outage per run and scenario</h2></div>\n");
            html.Append("<div class=\"chart\">");
            HistoryChart(html, runs, scenarios);
            html.Append("</div>\n<table class=\"history\"><thead><tr><th>Run (UTC)</th><th>By</th><th>Versions</th>");
            foreach (var scenario in scenarios) html.Append("<th>").Append(E(scenario.ToString())).Append("</th>");
            html.Append("</tr></thead><tbody>");
            foreach (var run in runs)
            {
                var info = run.Select(r => r.Run).FirstOrDefault(r => r != null);
                html.Append("<tr><td>").Append(E(Utc(run.Key))).Append("</td><td>").Append(E(info == null ? "not recorded" : $"{info.User ?? "?"} on {info.Host ?? "?"}"))
                    .Append("</td><td>").Append(E(info == null ? "not recorded" : Versions(info))).Append("</td>");
                foreach (var scenario in scenarios)
                {
                    var cells = run.Where(r => r.Scenario == scenario).ToList();
                    html.Append("<td>");
                    foreach (var r in cells)
                    {
                        html.Append("<span class=\"badge ").Append(r.Passed ? "pass" : "fail").Append("\">").Append(r.Passed ? "PASS" : "FAIL").Append("</span> ")
                            .Append(E(Duration(r.Outage)));
                        if (r.Criteria != null) html.Append(" <small>(max ").Append(E(Duration(r.Criteria.MaxOutage))).Append(")</small>");
                        html.Append("<br>");
                    }

                    if (cells.Count == 0) html.Append("&mdash;");
                    html.Append("</td>");
                }

                html.Append("</tr>");
            }

            html.Append("</tbody></table>\n</section>\n</main>\n<footer class=\"wrap\">Outage: the longest run of lost probes during the fault (the reference probe: ping, else the TCP session).</footer>\n");
            Embed(html, list);
            html.Append("</body>\n</html>\n");
            return html.ToString();
        }

        /// <summary>Writes <see cref="ToHistoryHtml"/> to <paramref name="path"/> (UTF-8), replacing any file there.</summary>
        public static void WriteHistoryHtml(IEnumerable<FailoverResult> results, string path, string title = "HaEdge failover history") =>
            Write(path, ToHistoryHtml(results, title));

        private static void HistoryChart(StringBuilder svg, IReadOnlyList<IGrouping<DateTimeOffset, FailoverResult>> runs, IReadOnlyList<FailoverScenario> scenarios)
        {
            const int top = 30, plotHeight = 200, left = PlotLeft;
            var height = top + plotHeight + 60;
            var plotWidth = ChartWidth - left - PlotRight;
            var outages = runs.SelectMany(g => g).Where(r => r.Outage.HasValue).Select(r => r.Outage!.Value.TotalSeconds).ToList();
            var limits = runs.SelectMany(g => g).Where(r => r.Criteria != null).Select(r => r.Criteria!.MaxOutage.TotalSeconds).ToList();
            var max = NiceCeiling(Math.Max(0.5, outages.Concat(limits).DefaultIfEmpty(1).Max() * 1.1));
            double Y(double seconds) => top + plotHeight - plotHeight * Math.Min(1, seconds / max);
            double X(int run) => left + (runs.Count == 1 ? plotWidth / 2.0 : plotWidth * run / (double)(runs.Count - 1));
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(height)
                .Append("\" role=\"img\" aria-label=\"outage per run and scenario\"><rect x=\"0\" y=\"0\" width=\"").Append(ChartWidth).Append("\" height=\"").Append(height).Append("\" fill=\"#ffffff\"/>");
            for (var i = 0; i <= 4; i++)
            {
                var y = Y(max * i / 4);
                svg.Append("<line x1=\"").Append(left).Append("\" x2=\"").Append(ChartWidth - PlotRight).Append("\" y1=\"").Append(F(y)).Append("\" y2=\"").Append(F(y)).Append("\" stroke=\"#e5e7eb\"/>");
                Text(svg, left - 8, y + 4, (max * i / 4).ToString("0.##", CultureInfo.InvariantCulture) + " s", "end", "axis");
            }

            Text(svg, left, top - 12, "Outage (s)", "start", "lane");
            var legendX = left + 100.0;
            for (var k = 0; k < scenarios.Count; k++)
            {
                var color = ProbeColors[k % ProbeColors.Length];
                var points = new List<string>();
                for (var i = 0; i < runs.Count; i++)
                {
                    foreach (var r in runs[i].Where(r => r.Scenario == scenarios[k] && r.Outage.HasValue))
                    {
                        var (x, y) = (X(i), Y(r.Outage!.Value.TotalSeconds));
                        points.Add(F(x) + "," + F(y));
                        svg.Append("<circle cx=\"").Append(F(x)).Append("\" cy=\"").Append(F(y)).Append("\" r=\"4\" fill=\"").Append(r.Passed ? color : "#dc2626")
                            .Append("\"><title>").Append(E($"{Utc(runs[i].Key)} {r.Scenario}: {Duration(r.Outage)} {(r.Passed ? "PASS" : "FAIL")}")).Append("</title></circle>");
                    }
                }

                if (points.Count > 1) svg.Append("<polyline fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"1.4\" points=\"").Append(string.Join(" ", points)).Append("\"/>");
                svg.Append("<rect x=\"").Append(F(legendX)).Append("\" y=\"").Append(top - 17).Append("\" width=\"12\" height=\"4\" rx=\"2\" fill=\"").Append(color).Append("\"/>");
                Text(svg, legendX + 16, top - 12, scenarios[k].ToString(), "start", "legend");
                legendX += 30 + 7.5 * scenarios[k].ToString().Length;
            }

            for (var i = 0; i < runs.Count; i++)
            {
                Text(svg, X(i), top + plotHeight + 18, runs[i].Key.UtcDateTime.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture), "middle", "axis");
            }

            Text(svg, left + plotWidth / 2.0, top + plotHeight + 42, "run start (UTC); red: failed", "middle", "axis");
            svg.Append("</svg>");
        }

        /// <summary>Who ran it, from where, with which versions.</summary>
        private static void RunInfo(StringBuilder html, FailoverRunInfo? run)
        {
            html.Append("<dl class=\"run\">");
            if (run == null)
            {
                html.Append("<div><dt>Run by</dt><dd>not recorded</dd></div></dl>");
                return;
            }

            html.Append("<div><dt>Run by</dt><dd>").Append(E(run.User ?? "?")).Append("</dd></div><div><dt>From</dt><dd>").Append(E(run.Host ?? "?"))
                .Append("</dd></div><div><dt>HaEdge</dt><dd>").Append(E(run.ModuleVersion ?? "unknown")).Append("</dd></div>");
            foreach (var (firewall, release) in new[] { (run.Primary, run.PrimaryRelease), (run.Secondary, run.SecondaryRelease) })
            {
                if (firewall != null) html.Append("<div><dt>").Append(E(firewall)).Append(" pfSense</dt><dd>").Append(E(release ?? "unknown")).Append("</dd></div>");
            }

            html.Append("<div><dt>Proxmox VE</dt><dd>").Append(E(run.ProxmoxVersion ?? "unknown")).Append("</dd></div>");
            if (run.Edge != null) html.Append("<div><dt>Edge</dt><dd>").Append(E(run.Edge)).Append("</dd></div>");
            html.Append("</dl>");
        }

        private static string Versions(FailoverRunInfo run) =>
            $"HaEdge {run.ModuleVersion ?? "?"}; {run.Primary} pfSense {run.PrimaryRelease ?? "?"}, {run.Secondary} pfSense {run.SecondaryRelease ?? "?"}; Proxmox VE {run.ProxmoxVersion ?? "?"}";

        /// <summary>The results as JSON a script reads back (application/json: the browser runs nothing).</summary>
        private static void Embed(StringBuilder html, IEnumerable<FailoverResult> results) =>
            html.Append("<script type=\"application/json\" id=\"").Append(FailoverResultsJson.ElementId).Append("\">").Append(FailoverResultsJson.Write(results)).Append("</script>\n");

        /// <summary>The pass criteria beside what was measured.</summary>
        private static void Criteria(StringBuilder html, FailoverResult r)
        {
            html.Append("<h3>Pass criteria</h3>");
            var c = r.Criteria;
            if (c == null)
            {
                html.Append("<p class=\"empty\">The criteria were not recorded with these results.</p>\n");
                return;
            }

            html.Append("<table class=\"criteria\"><thead><tr><th>Criterion</th><th>Limit</th><th>Measured</th><th>Verdict</th></tr></thead><tbody>");
            var moved = r.Expected.HasFlag(ExpectedFailover.CarpMoves) ? r.VipMovedAfter : r.RouteMovedAfter;
            Criterion(html, "Outage during the failover (MaxOutage)", "\u2264 " + Duration(c.MaxOutage), Duration(r.Outage),
                r.Outage.HasValue ? r.Outage <= c.MaxOutage : (bool?)null);
            Criterion(html, "Outage during the failback (MaxFailbackOutage)", "\u2264 " + Duration(c.MaxFailbackOutage), Duration(r.FailbackOutage),
                r.FailbackOutage.HasValue ? r.FailbackOutage <= c.MaxFailbackOutage : (bool?)null);
            Criterion(html, r.Expected.HasFlag(ExpectedFailover.CarpMoves) ? "VIPs moved (FailoverTimeout)" : "Route moved (FailoverTimeout)", "within " + Duration(c.FailoverTimeout),
                Duration(moved), moved.HasValue ? moved <= c.FailoverTimeout : false);
            Criterion(html, "TCP session survives (RequireSessionSurvival)", c.RequireSessionSurvival ? "required" : "not required",
                r.SessionSurvived switch { true => "survived", false => "broke", _ => "not probed" },
                !c.RequireSessionSurvival || r.SessionSurvived == null ? (bool?)null : r.SessionSurvived);
            Criterion(html, "Clean failback (FailbackTimeout" + (c.FailbackToOriginal ? ", back on the original MASTER)" : ")"), "within " + Duration(c.FailbackTimeout),
                Duration(r.FailbackAfter), r.FailbackClean);
            Criterion(html, "Held after the failover / failback (Settle, FailbackSettle)", Duration(c.Settle) + " / " + Duration(c.FailbackSettle), "", null);
            if (c.Force) Criterion(html, "Preflight gates", "-Force: ran despite failed gates", "", null);
            html.Append("</tbody></table>\n");
        }

        private static void Criterion(StringBuilder html, string name, string limit, string measured, bool? met) =>
            html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(E(limit)).Append("</td><td>").Append(E(measured)).Append("</td><td class=\"")
                .Append(met switch { true => "met\">met", false => "missed\">missed", _ => "info\">&mdash;" }).Append("</td></tr>");

        private static void Scenario(StringBuilder html, FailoverResult r, string anchor)
        {
            html.Append("<section class=\"card\" id=\"").Append(anchor).Append("\">\n<div class=\"head\"><h2>").Append(E(r.Scenario.ToString())).Append("</h2>")
                .Append("<span class=\"badge ").Append(r.Passed ? "pass" : "fail").Append("\">").Append(r.Passed ? "PASSED" : "FAILED").Append("</span>")
                .Append("<span class=\"fault\">").Append(E(r.Fault)).Append("</span></div>\n");
            if (r.Reasons.Count > 0)
            {
                html.Append("<ul class=\"reasons\">");
                foreach (var reason in r.Reasons) html.Append("<li>").Append(E(reason)).Append("</li>");
                html.Append("</ul>\n");
            }

            html.Append("<div class=\"metrics\">");
            Metric(html, "Outage", Duration(r.Outage), r.Outage.HasValue ? null : "warn");
            Metric(html, "VIPs moved after", Duration(r.VipMovedAfter), null);
            if (r.Expected.HasFlag(ExpectedFailover.RouteMoves)) Metric(html, "Route moved after", Duration(r.RouteMovedAfter), null);
            Metric(html, "Probe loss", string.Format(CultureInfo.InvariantCulture, "{0:0.#} % ({1}/{2})", r.ProbeLoss, r.ProbesLost, r.ProbesSent), null);
            Metric(html, "Session survived", r.SessionSurvived switch { true => "yes", false => "no", _ => "not probed" },
                r.SessionSurvived == false ? "bad" : r.SessionSurvived == true ? "good" : null);
            Metric(html, "States before / after", $"{Count(r.StatesBefore)} / {Count(r.StatesAfter)}", null);
            Metric(html, "Master", $"{r.OriginalMaster} \u2192 {r.NewMaster ?? "?"}", null);
            if (r.GatewayBefore != null || r.GatewayAfter != null) Metric(html, "Default route", $"{r.GatewayBefore ?? "?"} \u2192 {r.GatewayAfter ?? "?"}", null);
            Metric(html, "Failback after", Duration(r.FailbackAfter), null);
            Metric(html, "Failback outage", Duration(r.FailbackOutage), null);
            Metric(html, "Failback clean", r.FailbackClean ? "yes" : "no", r.FailbackClean ? "good" : "bad");
            html.Append("</div>\n");
            Criteria(html, r);

            html.Append("<div class=\"chart\">");
            Chart(html, r);
            html.Append("</div>\n");
            if (r.Probes.Any(p => p.Kind == ProbeKind.TcpSession))
            {
                html.Append("<p class=\"note\"><b>TCP session ramp:</b> lines the session sent while the path was down wait in TCP's send queue and are echoed together once a retransmission gets through, ")
                    .Append("so each one's round trip is how long it waited: a falling ramp of late echoes, longest for the first line sent. It is the queue draining, not a slow path; the same connection carried on.</p>\n");
            }

            if (r.Probes.Count > 0)
            {
                html.Append("<h3>Probes</h3><table><thead><tr><th>Probe</th><th>Target</th><th>Interval</th><th>Sent</th><th>Lost</th><th>Outage</th><th>Failback outage</th><th>Note</th></tr></thead><tbody>");
                foreach (var p in r.Probes)
                {
                    var note = p.Error ?? (p.BrokeAt.HasValue ? $"broke at {Offset(p.BrokeAt.Value - r.StartedAt)}: {p.BreakReason}" : "");
                    html.Append("<tr><td>").Append(E(p.Probe)).Append("</td><td><code>").Append(E(p.Target)).Append("</code></td><td>").Append(Ms(p.Interval))
                        .Append("</td><td>").Append(p.Sent).Append("</td><td>").Append(p.Lost).Append("</td><td>").Append(Duration(p.Outage))
                        .Append("</td><td>").Append(Duration(p.FailbackOutage)).Append("</td><td>").Append(E(note)).Append("</td></tr>");
                }

                html.Append("</tbody></table>\n");
            }

            if (r.Gates.Count > 0)
            {
                html.Append("<h3>Preflight gates</h3><ul class=\"gates\">");
                foreach (var g in r.Gates)
                {
                    html.Append("<li class=\"").Append(g.Passed ? "pass" : "fail").Append("\"><b>").Append(E(g.Gate)).Append("</b> ").Append(E(g.Reason)).Append("</li>");
                }

                html.Append("</ul>\n");
            }

            var events = NumberedEvents(r);
            html.Append("<h3>Timeline</h3><table class=\"events\"><thead><tr><th>#</th><th>UTC</th><th>Offset</th><th>Event</th><th>Subject</th><th>What</th></tr></thead><tbody>");
            foreach (var (number, e) in events)
            {
                html.Append("<tr class=\"k-").Append(KindClass(e.Kind)).Append("\"><td>").Append(number).Append("</td><td><time>").Append(E(Utc(r.RunStartedAt + e.At)))
                    .Append("</time></td><td>").Append(Offset(e.At - r.StartedAt))
                    .Append("</td><td>").Append(E(e.Kind.ToString())).Append("</td><td>").Append(E(e.Subject ?? "")).Append("</td><td>").Append(E(e.Message)).Append("</td></tr>");
            }

            html.Append("</tbody></table>\n</section>\n");
        }

        /// <summary>The events worth a marker on the chart, numbered in order; the table shows all, numbered the same.</summary>
        private static List<(int Number, TimelineEvent Event)> NumberedEvents(FailoverResult r) =>
            r.Timeline.Select((e, i) => (i + 1, e)).ToList();

        private static void Chart(StringBuilder svg, FailoverResult r)
        {
            var start = r.StartedAt;
            var end = r.EndedAt > start ? r.EndedAt : start + TimeSpan.FromSeconds(1);
            var span = (end - start).TotalSeconds;
            var plotWidth = ChartWidth - PlotLeft - PlotRight;
            double X(TimeSpan t) => PlotLeft + plotWidth * Math.Max(0, Math.Min(1, (t - start).TotalSeconds / span));

            var probes = r.Samples.Where(s => s.Kind != ProbeKind.Download).GroupBy(s => s.Probe).ToList();
            var downloads = r.Samples.Where(s => s.Kind == ProbeKind.Download).ToList();
            var lossTop = RttTop + RttHeight + 8;
            var lossLanes = Math.Max(1, probes.Count);
            var downloadTop = lossTop + lossLanes * LossLaneHeight + 6;
            var downloadHeight = downloads.Count > 0 ? 44 : 0;
            var bandTop = downloadTop + downloadHeight + (downloads.Count > 0 ? 10 : 0);
            var vipRows = VipRows(r);
            var routeWatched = r.Ownership.Any(o => o.Gateway != null);
            var routeTop = bandTop + vipRows.Count * (BandHeight + 4) + 2;
            var eventTop = routeTop + (routeWatched ? BandHeight + 10 : 4);
            var axisTop = eventTop + EventLaneHeight + 4;
            var height = axisTop + 44;

            // A log scale, one decade per grid line: a sub-millisecond ping stays readable under seconds of late TCP echoes.
            var rtts = r.Samples.Where(s => s.Rtt.HasValue && s.Kind != ProbeKind.Download && s.Rtt.Value > TimeSpan.Zero).Select(s => s.Rtt!.Value.TotalMilliseconds).ToList();
            var lowDecade = rtts.Count == 0 ? -1 : Math.Max(-3, (int)Math.Floor(Math.Log10(rtts.Min())));
            var highDecade = rtts.Count == 0 ? 2 : Math.Max(lowDecade + 1, (int)Math.Ceiling(Math.Log10(rtts.Max())));
            double Y(double ms) => RttTop + RttHeight - RttHeight * Math.Max(0, Math.Min(1, (Math.Log10(Math.Max(ms, Math.Pow(10, lowDecade))) - lowDecade) / (highDecade - lowDecade)));

            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(height)
                .Append("\" role=\"img\" aria-label=\"").Append(E(r.Scenario + " timeline")).Append("\">");
            svg.Append("<rect x=\"0\" y=\"0\" width=\"").Append(ChartWidth).Append("\" height=\"").Append(height).Append("\" fill=\"#ffffff\"/>");

            // Fault window and failback window.
            if (r.FaultOffset.HasValue)
            {
                var undo = r.UndoOffset ?? end;
                Rect(svg, X(r.FaultOffset.Value), RttTop, X(undo) - X(r.FaultOffset.Value), axisTop - RttTop, "#fef3c7", "fault applied");
                if (r.UndoOffset.HasValue) Rect(svg, X(undo), RttTop, X(end) - X(undo), axisTop - RttTop, "#ecfdf5", "failback");
            }

            // RTT grid and axis.
            for (var decade = lowDecade; decade <= highDecade; decade++)
            {
                var ms = Math.Pow(10, decade);
                var y = Y(ms);
                svg.Append("<line x1=\"").Append(PlotLeft).Append("\" x2=\"").Append(ChartWidth - PlotRight).Append("\" y1=\"").Append(F(y)).Append("\" y2=\"").Append(F(y))
                    .Append("\" stroke=\"#e5e7eb\" stroke-width=\"1\"/>");
                Text(svg, PlotLeft - 8, y + 4, FormatMs(ms), "end", "axis");
            }

            Text(svg, PlotLeft, RttTop - 10, "RTT (ms, log)", "start", "lane");

            // The reference probe's loss runs (ping, else the session) shaded across the RTT area; the lanes below show every probe.
            foreach (var group in probes.Take(1))
            {
                foreach (var run in OutageCalculator.LossRuns(group, start, end))
                {
                    var to = run.RecoveredAt ?? end;
                    Rect(svg, X(run.FirstLostAt), RttTop, Math.Max(1.5, X(to) - X(run.FirstLostAt)), RttHeight, "rgba(220,38,38,0.10)",
                        $"{group.Key}: {run.Lost} lost, {Duration(run.Duration)}");
                }
            }

            // RTT lines, broken at each loss, and dots.
            var colorIndex = 0;
            var legendX = PlotLeft + 90.0;
            foreach (var group in probes)
            {
                var color = ProbeColors[colorIndex++ % ProbeColors.Length];
                var points = new List<string>();
                void Flush()
                {
                    if (points.Count > 1)
                        svg.Append("<polyline fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"1.4\" stroke-linejoin=\"round\" points=\"").Append(string.Join(" ", points)).Append("\"/>");
                    points.Clear();
                }

                foreach (var s in group.OrderBy(s => s.SentAt))
                {
                    if (s.Rtt.HasValue && s.Kind != ProbeKind.Download && (s.Ok || s.Outcome == ProbeOutcome.Late)) points.Add(F(X(s.SentAt)) + "," + F(Y(s.Rtt.Value.TotalMilliseconds)));
                    else Flush();
                }

                Flush();
                svg.Append("<rect x=\"").Append(F(legendX)).Append("\" y=\"").Append(RttTop - 19).Append("\" width=\"12\" height=\"4\" rx=\"2\" fill=\"").Append(color).Append("\"/>");
                Text(svg, legendX + 16, RttTop - 14, group.Key, "start", "legend");
                legendX += 24 + 7.5 * group.Key.Length;
            }

            // One loss lane per probe: a red tick per lost probe, amber for late echoes.
            var lane = 0;
            foreach (var group in probes)
            {
                var y = lossTop + lane * LossLaneHeight;
                svg.Append("<rect x=\"").Append(PlotLeft).Append("\" y=\"").Append(y).Append("\" width=\"").Append(plotWidth).Append("\" height=\"").Append(LossLaneHeight - 3)
                    .Append("\" fill=\"#f3f4f6\" rx=\"2\"/>");
                Text(svg, PlotLeft - 8, y + 9, group.Key + " loss", "end", "axis");
                foreach (var s in group.Where(s => !s.Ok))
                {
                    var fill = s.Outcome == ProbeOutcome.Late ? "#f59e0b" : s.Outcome == ProbeOutcome.Broken ? "#7f1d1d" : "#dc2626";
                    svg.Append("<rect x=\"").Append(F(X(s.SentAt) - 0.75)).Append("\" y=\"").Append(y).Append("\" width=\"1.5\" height=\"").Append(LossLaneHeight - 3)
                        .Append("\" fill=\"").Append(fill).Append("\"/>");
                }

                lane++;
            }

            if (downloads.Count > 0)
            {
                var peak = Math.Max(1, downloads.Max(d => d.BytesPerSecond ?? 0));
                var points = downloads.OrderBy(d => d.SentAt).Select(d => F(X(d.SentAt)) + "," + F(downloadTop + downloadHeight - downloadHeight * (d.BytesPerSecond ?? 0) / peak)).ToList();
                svg.Append("<polyline fill=\"none\" stroke=\"#0d9488\" stroke-width=\"1.4\" points=\"").Append(string.Join(" ", points)).Append("\"/>");
                Text(svg, PlotLeft - 8, downloadTop + 12, "Download", "end", "axis");
                Text(svg, PlotLeft + 4, downloadTop + 10, "peak " + Rate(peak), "start", "axis");
            }

            // Who owns each VIP: one row per VIP, one coloured segment per stretch of polls with the same owner.
            var owners = r.Ownership.Select(o => o.Owner).Concat(r.VipOwnership.Select(v => v.Owner))
                .Where(o => o != OwnershipSample.None && o != OwnershipSample.Split).Distinct().ToList();
            for (var vipRow = 0; vipRow < vipRows.Count; vipRow++)
            {
                var (vip, samples) = vipRows[vipRow];
                var top = bandTop + vipRow * (BandHeight + 4);
                Text(svg, PlotLeft - 8, top + 17, vip.Length > 18 ? vip.Substring(0, 17) + "\u2026" : vip, "end", "axis");
                svg.Append("<rect x=\"").Append(PlotLeft).Append("\" y=\"").Append(top).Append("\" width=\"").Append(plotWidth).Append("\" height=\"").Append(BandHeight)
                    .Append("\" fill=\"#f3f4f6\" rx=\"3\"/>");
                foreach (var segment in Segments(samples, end))
                {
                    var color = segment.Owner == OwnershipSample.None ? "#dc2626" : segment.Owner == OwnershipSample.Split ? "#f97316"
                        : OwnerColors[owners.IndexOf(segment.Owner) % OwnerColors.Length];
                    var x = X(segment.From);
                    var w = Math.Max(1, X(segment.To) - x);
                    Rect(svg, x, top, w, BandHeight, color, $"{vip}: {segment.Owner} from {Offset(segment.From - start)} ({Utc(r.RunStartedAt + segment.From)}) to {Offset(segment.To - start)}");
                    if (w > 44) Text(svg, x + w / 2, top + 17, segment.Owner == OwnershipSample.None ? "no MASTER" : segment.Owner, "middle", "band");
                }
            }

            // The forwarding node's default gateway, where the scenario watched it.
            if (routeWatched)
            {
                Text(svg, PlotLeft - 8, routeTop + 17, "Default route", "end", "axis");
                svg.Append("<rect x=\"").Append(PlotLeft).Append("\" y=\"").Append(routeTop).Append("\" width=\"").Append(plotWidth).Append("\" height=\"").Append(BandHeight)
                    .Append("\" fill=\"#f3f4f6\" rx=\"3\"/>");
                var routeSamples = r.Ownership.Where(o => o.Gateway != null).Select(o => new OwnershipSample { At = o.At, Owner = o.Gateway! }).ToList();
                var gateways = routeSamples.Select(o => o.Owner).Distinct().ToList();
                foreach (var segment in Segments(routeSamples, end))
                {
                    var x = X(segment.From);
                    var w = Math.Max(1, X(segment.To) - x);
                    Rect(svg, x, routeTop, w, BandHeight, RouteColors[gateways.IndexOf(segment.Owner) % RouteColors.Length],
                        $"default route {segment.Owner}: {Offset(segment.From - start)} to {Offset(segment.To - start)}");
                    if (w > 60) Text(svg, x + w / 2, routeTop + 17, segment.Owner, "middle", "band");
                }
            }

            // Events: a numbered marker each, matching the table; faults and undos get a line through the chart.
            var numbered = NumberedEvents(r);
            var lastX = double.MinValue;
            var row = 0;
            foreach (var (number, e) in numbered)
            {
                if (e.Kind == TimelineEventKind.GateResult || e.Kind == TimelineEventKind.Phase) continue;
                var x = X(e.At);
                var color = KindColor(e.Kind);
                if (e.Kind == TimelineEventKind.FaultInjected || e.Kind == TimelineEventKind.FaultUndone)
                {
                    svg.Append("<line x1=\"").Append(F(x)).Append("\" x2=\"").Append(F(x)).Append("\" y1=\"").Append(RttTop).Append("\" y2=\"").Append(eventTop)
                        .Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>");
                    Text(svg, x + 4, RttTop + 12, e.Kind == TimelineEventKind.FaultInjected ? "fault" : "undo", "start", "marker");
                }

                row = x - lastX < 16 ? (row + 1) % 2 : 0;
                lastX = x;
                var cy = eventTop + 8 + row * 13;
                svg.Append("<g><title>").Append(E($"#{number} {Offset(e.At - start)} {e.Kind} {e.Subject}: {e.Message}")).Append("</title><circle cx=\"").Append(F(x))
                    .Append("\" cy=\"").Append(F(cy)).Append("\" r=\"6\" fill=\"").Append(color).Append("\"/>");
                Text(svg, x, cy + 3, number.ToString(CultureInfo.InvariantCulture), "middle", "num");
                svg.Append("</g>");
            }

            // Time axis in seconds since the scenario started.
            var step = NiceStep(span / 10);
            svg.Append("<line x1=\"").Append(PlotLeft).Append("\" x2=\"").Append(ChartWidth - PlotRight).Append("\" y1=\"").Append(axisTop).Append("\" y2=\"").Append(axisTop)
                .Append("\" stroke=\"#9ca3af\"/>");
            for (var t = 0.0; t <= span + 1e-9; t += step)
            {
                var x = X(start + TimeSpan.FromSeconds(t));
                svg.Append("<line x1=\"").Append(F(x)).Append("\" x2=\"").Append(F(x)).Append("\" y1=\"").Append(axisTop).Append("\" y2=\"").Append(axisTop + 5).Append("\" stroke=\"#9ca3af\"/>");
                Text(svg, x, axisTop + 18, t.ToString("0.##", CultureInfo.InvariantCulture) + " s", "middle", "axis");
            }

            Text(svg, PlotLeft, axisTop + 34, "seconds since the scenario started at " + Utc(r.RunStartedAt + start), "start", "axis");

            svg.Append("</svg>");
            svg.Append("<div class=\"legend\"><span><i style=\"background:#fef3c7\"></i>fault applied</span><span><i style=\"background:#ecfdf5\"></i>failback</span>")
                .Append("<span><i style=\"background:rgba(220,38,38,0.25)\"></i>loss run</span><span><i style=\"background:#dc2626\"></i>lost / no MASTER</span>")
                .Append("<span><i style=\"background:#f59e0b\"></i>late echo</span>");
            foreach (var owner in owners) svg.Append("<span><i style=\"background:").Append(OwnerColors[owners.IndexOf(owner) % OwnerColors.Length]).Append("\"></i>").Append(E(owner)).Append(" MASTER</span>");
            svg.Append("</div>");
        }

        /// <summary>
        /// One ownership row per VIP (in the order the polls first list them), each poll's owner of that VIP; a poll
        /// that read no firewall holding it counts as no MASTER. Results without per-VIP samples get one row for all.
        /// </summary>
        private static List<(string Vip, IReadOnlyList<OwnershipSample> Samples)> VipRows(FailoverResult r)
        {
            var vips = r.VipOwnership.Select(v => v.Vip).Distinct().ToList();
            if (vips.Count == 0) return new List<(string, IReadOnlyList<OwnershipSample>)> { ("VIP owner", r.Ownership) };
            var byPoll = r.VipOwnership.ToLookup(v => (v.Poll, v.Vip), v => v.Owner);
            return vips.Select(vip => (vip, (IReadOnlyList<OwnershipSample>)r.Ownership
                .Select((o, poll) => new OwnershipSample { At = o.At, Owner = byPoll[(poll, vip)].DefaultIfEmpty(OwnershipSample.None).First() }).ToList())).ToList();
        }

        private static IEnumerable<(string Owner, TimeSpan From, TimeSpan To)> Segments(IReadOnlyList<OwnershipSample> samples, TimeSpan end)
        {
            for (var i = 0; i < samples.Count;)
            {
                var j = i;
                while (j + 1 < samples.Count && samples[j + 1].Owner == samples[i].Owner) j++;
                var to = j + 1 < samples.Count ? samples[j + 1].At : end;
                yield return (samples[i].Owner, samples[i].At, to);
                i = j + 1;
            }
        }

        private static void Metric(StringBuilder html, string label, string value, string? tone) =>
            html.Append("<div class=\"metric").Append(tone == null ? "" : " " + tone).Append("\"><span>").Append(E(label)).Append("</span><b>").Append(E(value)).Append("</b></div>");

        private static void Rect(StringBuilder svg, double x, double y, double w, double h, string fill, string title) =>
            svg.Append("<rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" width=\"").Append(F(Math.Max(0, w))).Append("\" height=\"").Append(F(h))
                .Append("\" fill=\"").Append(fill).Append("\"><title>").Append(E(title)).Append("</title></rect>");

        private static void Text(StringBuilder svg, double x, double y, string text, string anchor, string cls) =>
            svg.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" text-anchor=\"").Append(anchor).Append("\" class=\"").Append(cls).Append("\">")
                .Append(E(text)).Append("</text>");

        private static string KindClass(TimelineEventKind kind) => kind switch
        {
            TimelineEventKind.FaultInjected => "fault",
            TimelineEventKind.FaultUndone => "undo",
            TimelineEventKind.Error or TimelineEventKind.SessionBroken or TimelineEventKind.ObserverError => "bad",
            TimelineEventKind.ProbeLoss or TimelineEventKind.FirewallUnreachable => "loss",
            TimelineEventKind.VipsMoved or TimelineEventKind.RouteMoved or TimelineEventKind.FailbackComplete => "good",
            TimelineEventKind.GateResult or TimelineEventKind.Phase or TimelineEventKind.ScenarioStarted or TimelineEventKind.ScenarioEnded => "info",
            _ => "carp",
        };

        private static string KindColor(TimelineEventKind kind) => KindClass(kind) switch
        {
            "fault" => "#b45309",
            "undo" => "#047857",
            "bad" => "#7f1d1d",
            "loss" => "#dc2626",
            "good" => "#15803d",
            "info" => "#6b7280",
            _ => "#4338ca",
        };

        private static double NiceCeiling(double value)
        {
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
            foreach (var factor in new[] { 1, 2, 2.5, 5, 10 })
            {
                if (factor * magnitude >= value) return factor * magnitude;
            }

            return 10 * magnitude;
        }

        private static double NiceStep(double rough) => NiceCeiling(Math.Max(0.1, rough));

        /// <summary>A scenario may run twice in one report, so the anchor carries its position.</summary>
        private static string Anchor(FailoverResult r, int index) => "scenario-" + (index + 1).ToString(CultureInfo.InvariantCulture) + "-" + r.Scenario.ToString().ToLowerInvariant();

        private static string E(string text) => WebUtility.HtmlEncode(text);

        /// <summary>A wall-clock instant in UTC, ISO 8601 to the millisecond.</summary>
        private static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        private static string FormatMs(double ms) => ms.ToString(ms < 1 ? "0.###" : "0", CultureInfo.InvariantCulture);

        private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

        private static string Duration(TimeSpan? span) => span.HasValue ? span.Value.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "\u2014";

        private static string Offset(TimeSpan span) => "+" + span.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";

        private static string Count(long? value) => value.HasValue ? value.Value.ToString("N0", CultureInfo.InvariantCulture) : "?";

        private static string Rate(double bytesPerSecond) => bytesPerSecond >= 1e6
            ? (bytesPerSecond * 8 / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " Mbit/s"
            : (bytesPerSecond * 8 / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " kbit/s";

        private const string Css = @"
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--pass:#15803d;--fail:#b91c1c;--bg:#f5f7fb}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:var(--bg)}
.wrap{max-width:1180px;margin:0 auto;padding:0 20px}
header{background:linear-gradient(120deg,#0f172a,#1e3a8a);color:#fff;padding:26px 0 20px;margin-bottom:22px}
header h1{margin:0;font-size:24px;font-weight:650;letter-spacing:.2px}
.sub{margin:4px 0 14px;color:#c7d2fe}
.chips{display:flex;flex-wrap:wrap;gap:8px}
.chip{display:inline-flex;gap:8px;align-items:center;padding:5px 12px;border-radius:999px;text-decoration:none;color:#fff;background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.25)}
.chip b{font-size:11px;padding:1px 7px;border-radius:999px}
.chip.pass b{background:#22c55e;color:#052e16}.chip.fail b{background:#f87171;color:#450a0a}
.card{background:#fff;border:1px solid var(--line);border-radius:14px;box-shadow:0 1px 2px rgba(0,0,0,.04),0 6px 24px rgba(15,23,42,.05);padding:20px 22px;margin-bottom:24px}
.head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.head h2{margin:0;font-size:20px}
.badge{font-size:12px;font-weight:700;letter-spacing:.6px;padding:3px 10px;border-radius:6px;color:#fff}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
.fault{color:var(--muted)}
.reasons{margin:12px 0 0;padding:10px 14px 10px 32px;background:#fef2f2;border:1px solid #fecaca;border-radius:10px;color:#7f1d1d}
.metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:16px 0}
.metric{border:1px solid var(--line);border-radius:10px;padding:9px 12px;background:#fafafa}
.metric span{display:block;font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.5px}
.metric b{font-size:17px;font-weight:650}
.metric.good{border-color:#bbf7d0;background:#f0fdf4}.metric.good b{color:var(--pass)}
.metric.bad{border-color:#fecaca;background:#fef2f2}.metric.bad b{color:var(--fail)}
.metric.warn{border-color:#fde68a;background:#fffbeb}
.chart{border:1px solid var(--line);border-radius:10px;padding:8px 8px 4px;overflow-x:auto}
.chart svg{width:100%;height:auto;display:block;min-width:760px}
svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}
svg .axis{font-size:11px;fill:#6b7280}svg .lane{font-size:11px;fill:#374151;font-weight:600}
svg .legend{font-size:11.5px;fill:#374151}svg .band{font-size:11.5px;fill:#fff;font-weight:650}
svg .marker{font-size:11px;fill:#92400e;font-weight:650}svg .num{font-size:8px;fill:#fff;font-weight:700}
.legend{display:flex;flex-wrap:wrap;gap:14px;padding:6px 8px 4px;color:var(--muted);font-size:12px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:5px;vertical-align:-2px;border:1px solid rgba(0,0,0,.08)}
h3{font-size:14px;margin:20px 0 8px;color:#374151;text-transform:uppercase;letter-spacing:.6px}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid var(--line);padding:5px 8px;vertical-align:top}
code{font-size:12.5px;background:#f3f4f6;padding:1px 5px;border-radius:4px}
.events td:first-child{color:var(--muted);width:34px}.events td:nth-child(2){white-space:nowrap;font-variant-numeric:tabular-nums;width:90px}
tr.k-fault td:nth-child(3){color:#b45309;font-weight:600}tr.k-undo td:nth-child(3){color:#047857;font-weight:600}
tr.k-bad td:nth-child(3){color:#991b1b;font-weight:600}tr.k-loss td:nth-child(3){color:#dc2626}
tr.k-good td:nth-child(3){color:var(--pass);font-weight:600}tr.k-carp td:nth-child(3){color:#4338ca}tr.k-info td{color:var(--muted)}
.gates{list-style:none;padding:0;margin:0;display:grid;gap:4px}
.gates li{padding:5px 10px;border-radius:8px;border-left:4px solid}
.gates li.pass{border-color:#22c55e;background:#f0fdf4}.gates li.fail{border-color:#ef4444;background:#fef2f2}
.empty{color:var(--muted)}
.run{display:flex;flex-wrap:wrap;gap:6px 18px;margin:0 0 14px;font-size:13px}.run div{display:flex;gap:6px}.run dt{color:#c7d2fe}.run dd{margin:0;font-weight:600}
.criteria td.met{color:var(--pass);font-weight:700}.criteria td.missed{color:var(--fail);font-weight:700}.criteria td.info{color:var(--muted)}
.note{font-size:12.5px;color:#374151;background:#f8fafc;border-left:4px solid #9333ea;padding:6px 10px;margin:8px 0 0}
.events td:nth-child(3){white-space:nowrap;font-variant-numeric:tabular-nums}.events time{font-variant-numeric:tabular-nums;white-space:nowrap}
.history td small{color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding:6px 20px 30px}
";
    }
}
