using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Pfsync;

/// <summary>
/// Reads <c>ifconfig pfsync0</c> in all four formats (FreeBSD 8 with the <c>pfsync:</c> prefix, 10.x with <c>defer:</c>,
/// pfSense 12/13 with a separate <c>syncok:</c> line, 14+ with <c>version:</c>), also when it is one block of a whole
/// <c>ifconfig</c> listing. Fields are found by their label, wherever they are on the detail lines. A field it
/// cannot read and a line that is no ifconfig line are skipped and reported; the other fields are kept.
/// </summary>
internal static class PfsyncParser
{
    private const string Kind = "ifconfig pfsync0";

    private static readonly string[] Labels = { "syncdev:", "syncpeer:", "maxupd:", "defer:", "version:", "syncok:" };

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static PfsyncStatus Parse(string text) => Read(text).Value;

    public static Parsed<PfsyncStatus> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        var lines = ParseText.Lines(text);
        var (name, block) = PfsyncBlock(lines, log);
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        foreach (var number in block)
        {
            var line = lines[number - 1];
            if (line.Trim().Length == 0) continue;
            if (!ParseText.IsIndented(line))
            {
                // A header-less excerpt is all detail lines; an unindented line there is not ifconfig's.
                if (!Labels.Any(l => ParseText.Words(line).Contains(l))) { log.Skip(number, line, "not a pfsync detail line"); continue; }
            }

            var words = ParseText.Words(line);
            for (var i = 0; i < words.Length; i++)
            {
                if (!Labels.Contains(words[i])) continue;
                if (i + 1 >= words.Length || Labels.Contains(words[i + 1]))
                {
                    log.Skip(number, line, $"{words[i]} has no value (truncated line?)");
                    continue;
                }

                values[words[i]] = (words[++i], number);
            }
        }

        // FreeBSD 8 prints nothing but the header while pfsync is unconfigured; without a header a label is required.
        if (name == null && values.Count == 0) throw log.Fail("no pfsync interface header and no syncdev:, syncpeer:, maxupd: or syncok: field");
        var syncDev = Value(values, "syncdev:");
        return log.Result(new PfsyncStatus
        {
            Interface = name ?? "pfsync0",
            Configured = syncDev != null,
            SyncDev = syncDev,
            SyncPeer = Value(values, "syncpeer:"),
            MaxUpdates = Field(values, "maxupd:", lines, log, v => ParseText.IntInRange(Kind, "maxupd", v, 0, 255)),
            Defer = Field(values, "defer:", lines, log, v => OnOff("defer:", v, "on", "off")),
            Version = Field(values, "version:", lines, log, v => ParseText.IntInRange(Kind, "version", v, 0, int.MaxValue)),
            SyncOk = Field(values, "syncok:", lines, log, v => OnOff("syncok:", v, "1", "0")),
        });
    }

    /// <summary>
    /// The pfsync interface's name and the numbers (from 1) of its detail lines; every line when the text has no
    /// interface header. Lines outside the block that are no ifconfig line at all are skipped.
    /// </summary>
    private static (string? Name, IReadOnlyList<int> Lines) PfsyncBlock(string[] lines, SkipLog log)
    {
        var headers = Enumerable.Range(0, lines.Length)
            .Where(i => !ParseText.IsIndented(lines[i]) && IfconfigHeader.TryRead(lines[i], out _, out _, out _))
            .ToList();
        if (headers.Count == 0) return (null, Enumerable.Range(1, lines.Length).ToList());
        foreach (var start in headers)
        {
            IfconfigHeader.TryRead(lines[start], out var name, out _, out _);
            if (!name.StartsWith("pfsync", StringComparison.Ordinal)) continue;
            var end = headers.FirstOrDefault(h => h > start);
            var stop = end > start ? end : lines.Length;
            for (var i = 0; i < lines.Length; i++)
            {
                if ((i < start || i >= stop) && lines[i].Trim().Length > 0 && !ParseText.IsIndented(lines[i]) && !headers.Contains(i))
                    log.Skip(i + 1, lines[i], "neither an interface header nor an indented detail line");
            }

            return (name, Enumerable.Range(start + 2, stop - start - 1).ToList());
        }

        throw log.Fail("the ifconfig output has no pfsync interface");
    }

    /// <summary>A field's value read by <paramref name="read"/>; one it cannot read is skipped with its line.</summary>
    private static T? Field<T>(Dictionary<string, (string Value, int Line)> values, string label, string[] lines, SkipLog log, Func<string, T> read)
        where T : struct
    {
        if (!values.TryGetValue(label, out var field)) return null;
        try
        {
            return read(field.Value);
        }
        catch (HaEdgeException e) when (ParseText.IsUnparsable(e))
        {
            log.Skip(field.Line, lines[field.Line - 1], e);
            return null;
        }
    }

    private static string? Value(Dictionary<string, (string Value, int Line)> values, string label) =>
        values.TryGetValue(label, out var field) ? field.Value : null;

    private static bool OnOff(string label, string value, string on, string off)
    {
        if (value == on) return true;
        if (value == off) return false;
        throw ParseText.Unparsable(Kind, $"{label} '{value}' is neither {on} nor {off}");
    }
}
