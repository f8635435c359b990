using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;

namespace HaEdge.Core.Failover;

/// <summary>
/// Test-HaFailover's -ReportPath and Export-HaFailoverReport: ONE self-contained HTML file (inline CSS and inline
/// SVG, no executable script, no external resource) with who ran the test, from where and against which versions,
/// and per scenario the verdict, the pass criteria beside the measured values, a timeline chart (probe RTT on a log
/// scale and losses, the fault window, which node owns each VIP, the events; drawn by <see cref="FailoverReportChart"/>)
/// and the event list in UTC and offsets.
/// Every time on the page is one clock: the run's monotonic offsets, placed in UTC from the run's start. The results
/// themselves are embedded as JSON (<see cref="FailoverResultsJson"/>) so a script can read the report back.
/// </summary>
internal static class FailoverReport
{
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
        FailoverReportChart.History(html, runs, scenarios);
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
        FailoverReportChart.Scenario(html, r);
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
    internal static List<(int Number, TimelineEvent Event)> NumberedEvents(FailoverResult r) =>
        r.Timeline.Select((e, i) => (i + 1, e)).ToList();

    private static void Metric(StringBuilder html, string label, string value, string? tone) =>
        html.Append("<div class=\"metric").Append(tone == null ? "" : " " + tone).Append("\"><span>").Append(E(label)).Append("</span><b>").Append(E(value)).Append("</b></div>");

    internal static string KindClass(TimelineEventKind kind) => kind switch
    {
        TimelineEventKind.FaultInjected => "fault",
        TimelineEventKind.FaultUndone => "undo",
        TimelineEventKind.Error or TimelineEventKind.SessionBroken or TimelineEventKind.ObserverError => "bad",
        TimelineEventKind.ProbeLoss or TimelineEventKind.FirewallUnreachable => "loss",
        TimelineEventKind.VipsMoved or TimelineEventKind.RouteMoved or TimelineEventKind.FailbackComplete => "good",
        TimelineEventKind.GateResult or TimelineEventKind.Phase or TimelineEventKind.ScenarioStarted or TimelineEventKind.ScenarioEnded => "info",
        _ => "carp",
    };

    /// <summary>A scenario may run twice in one report, so the anchor carries its position.</summary>
    private static string Anchor(FailoverResult r, int index) => "scenario-" + (index + 1).ToString(CultureInfo.InvariantCulture) + "-" + r.Scenario.ToString().ToLowerInvariant();

    internal static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A wall-clock instant in UTC, ISO 8601 to the millisecond.</summary>
    internal static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    internal static string Duration(TimeSpan? span) => span.HasValue ? span.Value.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "\u2014";

    internal static string Offset(TimeSpan span) => "+" + span.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    private static string Count(long? value) => value.HasValue ? value.Value.ToString("N0", CultureInfo.InvariantCulture) : "?";

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
