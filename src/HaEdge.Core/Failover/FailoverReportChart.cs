using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using static HaEdge.Core.Failover.FailoverReport;

namespace HaEdge.Core.Failover;

/// <summary>
/// The inline SVG charts of <see cref="FailoverReport"/>: per scenario, probe RTT on a log scale and losses, the
/// fault window, which node owns each VIP, the route and the numbered events on one time axis; on the history
/// page, the outage per run and scenario. The page around them, and the text both share, stay in the report.
/// </summary>
internal static class FailoverReportChart
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

    /// <summary>One scenario's timeline chart.</summary>
    public static void Scenario(StringBuilder svg, FailoverResult r)
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

    /// <summary>The history page's chart: each scenario's outage per run, a failed run's point in red.</summary>
    public static void History(StringBuilder svg, IReadOnlyList<IGrouping<DateTimeOffset, FailoverResult>> runs, IReadOnlyList<FailoverScenario> scenarios)
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

    private static void Rect(StringBuilder svg, double x, double y, double w, double h, string fill, string title) =>
        svg.Append("<rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" width=\"").Append(F(Math.Max(0, w))).Append("\" height=\"").Append(F(h))
            .Append("\" fill=\"").Append(fill).Append("\"><title>").Append(E(title)).Append("</title></rect>");

    private static void Text(StringBuilder svg, double x, double y, string text, string anchor, string cls) =>
        svg.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" text-anchor=\"").Append(anchor).Append("\" class=\"").Append(cls).Append("\">")
            .Append(E(text)).Append("</text>");

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

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string FormatMs(double ms) => ms.ToString(ms < 1 ? "0.###" : "0", CultureInfo.InvariantCulture);

    private static string Rate(double bytesPerSecond) => bytesPerSecond >= 1e6
        ? (bytesPerSecond * 8 / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " Mbit/s"
        : (bytesPerSecond * 8 / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " kbit/s";
}
