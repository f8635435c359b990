using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Gateways;

/// <summary>
/// Reads pfSense gateway status: the JSON of <c>return_gateways_status(true)</c> (keyed by gateway name; pfSense 2.3/2.4
/// without <c>substatus</c>, 2.5+ with it) or the <c>pfSsh.php playback gatewaystatus [brief]</c> table. A gateway
/// entry or row it cannot read, and any line that is not part of the JSON or the table, is skipped and reported.
/// </summary>
internal static class GatewayStatusParser
{
    private const string Kind = "gateway status";

    private static readonly string[] Columns = { "Name", "Monitor", "Source", "Delay", "StdDev", "Loss", "Status", "Substatus" };

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static IReadOnlyList<GatewayStatus> Parse(string text) => Read(text).Value;

    /// <summary>JSON when no line is the table's <c>Name ... Status</c> header and some line opens a JSON value.</summary>
    public static Parsed<IReadOnlyList<GatewayStatus>> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var lines = ParseText.Lines(text);
        return !lines.Any(IsHeader) && lines.Any(JsonText.OpensJson) ? ReadJson(text) : ReadTable(text);
    }

    public static Parsed<IReadOnlyList<GatewayStatus>> ReadJson(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        var gateways = JsonText.Read(text, Kind, log, (root, line) =>
        {
            // An empty PHP array encodes as [], a keyed one as {}.
            if (root.ValueKind != JsonValueKind.Object && root.ValueKind != JsonValueKind.Array)
                throw log.Fail("the JSON is not an object keyed by gateway name");
            var entries = JsonText.Entries(root).ToList();
            var read = new List<GatewayStatus>();
            foreach (var entry in entries)
            {
                try
                {
                    read.Add(ReadJsonGateway(entry.Key, entry.Value));
                }
                catch (HaEdgeException e) when (ParseText.IsUnparsable(e))
                {
                    log.Skip(line, JsonText.Entry(entry.Key, entry.Value), e);
                }
            }

            if (entries.Count > 0 && read.Count == 0) throw log.Fail("no gateway could be read");
            return read;
        });
        return log.Result<IReadOnlyList<GatewayStatus>>(gateways);
    }

    private static GatewayStatus ReadJsonGateway(string key, JsonElement gateway)
    {
        if (gateway.ValueKind != JsonValueKind.Object) throw ParseText.Unparsable(Kind, $"gateway '{key}' is not a JSON object");
        var status = JsonText.Text(gateway, "status") ?? throw ParseText.Unparsable(Kind, $"gateway '{key}' has no status");
        var substatus = JsonText.Text(gateway, "substatus");
        return new GatewayStatus
        {
            Name = JsonText.Text(gateway, "name") ?? key,
            MonitorIp = JsonText.Text(gateway, "monitorip"),
            SourceIp = JsonText.Text(gateway, "srcip"),
            DelayMs = Measure(JsonText.Text(gateway, "delay"), "ms", "delay"),
            StdDevMs = Measure(JsonText.Text(gateway, "stddev"), "ms", "stddev"),
            LossPercent = Measure(JsonText.Text(gateway, "loss"), "%", "loss"),
            Status = status,
            Substatus = substatus,
            Health = HealthOf(status, substatus),
            MonitorDisabled = JsonText.Text(gateway, "monitor_disable") is "true" or "1",
        };
    }

    /// <summary>
    /// The table pads columns to their widest value, but pasted tables (and the real sample) lose that alignment, so
    /// rows are read by word shape instead: name first, status (and substatus) last, addresses, then values ending in
    /// <c>ms</c>, then the one ending in <c>%</c>. Unmonitored gateways leave the value columns empty.
    /// </summary>
    public static Parsed<IReadOnlyList<GatewayStatus>> ReadTable(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        var lines = ParseText.Lines(text);
        var headerAt = Array.FindIndex(lines, IsHeader);
        if (headerAt < 0)
        {
            var first = lines.First(l => l.Trim().Length > 0).Trim();
            throw log.Fail($"the first line '{first}' is not the 'Name ... Status' table header");
        }

        var header = ParseText.Words(lines[headerAt]);
        var hasSubstatus = header.Contains("Substatus");
        var brief = header.Length == 2;
        var gateways = new List<GatewayStatus>();
        var rows = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (i == headerAt || lines[i].Trim().Length == 0) continue;
            if (i < headerAt)
            {
                log.Skip(i + 1, lines[i], "before the table header");
                continue;
            }

            rows++;
            try
            {
                gateways.Add(ReadRow(ParseText.Words(lines[i]), hasSubstatus, brief));
            }
            catch (HaEdgeException e) when (ParseText.IsUnparsable(e))
            {
                log.Skip(i + 1, lines[i], e);
            }
        }

        if (rows > 0 && gateways.Count == 0) throw log.Fail("no gateway row could be read");
        return log.Result<IReadOnlyList<GatewayStatus>>(gateways);
    }

    private static bool IsHeader(string line)
    {
        var header = ParseText.Words(line);
        return header.Length >= 2 && header[0] == "Name" && header.Contains("Status") && header.All(h => Columns.Contains(h));
    }

    private static GatewayStatus ReadRow(string[] words, bool hasSubstatus, bool brief)
    {
        var trailing = hasSubstatus ? 2 : 1;
        if (words.Length < 1 + trailing || (brief && words.Length != 2))
            throw ParseText.Unparsable(Kind, "too few columns");
        var status = words[words.Length - trailing];
        var substatus = hasSubstatus ? words[words.Length - 1] : null;
        if (!IsWord(status) || (substatus != null && !IsWord(substatus)))
            throw ParseText.Unparsable(Kind, $"'{status} {substatus}' is not a status (truncated row?)");

        var addresses = new List<string>();
        var times = new List<double>();
        double? loss = null;
        foreach (var word in words.Skip(1).Take(words.Length - 1 - trailing))
        {
            if (word.EndsWith("ms", StringComparison.Ordinal) && ParseText.TryDecimal(word.Substring(0, word.Length - 2), out var ms)
                && loss == null && times.Count < 2)
                times.Add(ms);
            else if (word.EndsWith("%", StringComparison.Ordinal) && loss == null)
                loss = Measure(word, "%", "loss");
            else if (times.Count == 0 && loss == null && addresses.Count < 2)
                addresses.Add(word);
            else
                throw ParseText.Unparsable(Kind, $"'{word}' does not fit the Monitor Source Delay StdDev Loss columns");
        }

        return new GatewayStatus
        {
            Name = words[0],
            MonitorIp = addresses.Count > 0 ? addresses[0] : null,
            SourceIp = addresses.Count > 1 ? addresses[1] : null,
            DelayMs = times.Count > 0 ? times[0] : (double?)null,
            StdDevMs = times.Count > 1 ? times[1] : (double?)null,
            LossPercent = loss,
            Status = status,
            Substatus = substatus,
            Health = HealthOf(status, substatus),
            // A monitored gateway always shows a delay (at least "0ms"); only unmonitored ones print none.
            MonitorDisabled = !brief && times.Count == 0,
        };
    }

    private static bool IsWord(string text) => text.All(c => (c >= 'a' && c <= 'z') || c == '_');

    /// <summary>"13.707ms" or "0.0%" as a number; null for the empty string of an unmonitored gateway.</summary>
    private static double? Measure(string? text, string unit, string field)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var number = text!.EndsWith(unit, StringComparison.Ordinal) ? text.Substring(0, text.Length - unit.Length) : text;
        if (!ParseText.TryDecimal(number, out var value)) throw ParseText.Unparsable(Kind, $"{field} '{text}' is not a number");
        return value;
    }

    /// <summary>pfSense 2.5+ splits status (online/down) and substatus; 2.3/2.4 put the alarm kind in status itself.</summary>
    private static GatewayHealth HealthOf(string status, string? substatus)
    {
        switch (status)
        {
            case "down":
            case "force_down":
            case "highdelay":
            case "highloss":
                return GatewayHealth.Down;
            case "delay":
            case "loss":
                return GatewayHealth.Warning;
            case "none":
                return GatewayHealth.Online;
            case "online":
                return substatus == null || substatus == "none" || substatus.Length == 0 ? GatewayHealth.Online : GatewayHealth.Warning;
            default:
                return GatewayHealth.Unknown;
        }
    }
}
