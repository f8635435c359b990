using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Model.PfSense;

namespace HaEdge.Core.PfSense.Parsing
{
    /// <summary>
    /// Reads <c>ifconfig pfsync0</c> in all four formats (FreeBSD 8 with the <c>pfsync:</c> prefix, 10.x with <c>defer:</c>,
    /// pfSense 12/13 with a separate <c>syncok:</c> line, 14+ with <c>version:</c>), also when it is one block of a whole
    /// <c>ifconfig</c> listing. Fields are found by their label, wherever they are on the detail lines.
    /// </summary>
    public static class PfsyncParser
    {
        private const string Kind = "ifconfig pfsync0";

        private static readonly string[] Labels = { "syncdev:", "syncpeer:", "maxupd:", "defer:", "version:", "syncok:" };

        public static PfsyncStatus Parse(string text)
        {
            ParseText.RequireText(text, Kind);
            var (name, detailLines) = PfsyncBlock(ParseText.Lines(text));
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in detailLines)
            {
                var words = ParseText.Words(line);
                for (var i = 0; i < words.Length; i++)
                {
                    if (!Labels.Contains(words[i])) continue;
                    if (i + 1 >= words.Length) throw ParseText.Unparsable(Kind, $"{words[i]} has no value (truncated line?)");
                    values[words[i]] = words[++i];
                }
            }

            // FreeBSD 8 prints nothing but the header while pfsync is unconfigured; without a header a label is required.
            if (name == null && values.Count == 0) throw ParseText.Unparsable(Kind, "no pfsync interface header and no syncdev:, syncpeer:, maxupd: or syncok: field");
            var syncDev = Value(values, "syncdev:");
            return new PfsyncStatus
            {
                Interface = name ?? "pfsync0",
                Configured = syncDev != null,
                SyncDev = syncDev,
                SyncPeer = Value(values, "syncpeer:"),
                MaxUpdates = Number(values, "maxupd:", 0, 255),
                Defer = OnOff(values, "defer:", "on", "off"),
                Version = Number(values, "version:", 0, int.MaxValue),
                SyncOk = OnOff(values, "syncok:", "1", "0"),
            };
        }

        /// <summary>The pfsync interface's name and detail lines; the whole text when it has no interface header.</summary>
        private static (string? Name, IReadOnlyList<string> Lines) PfsyncBlock(string[] lines)
        {
            var headers = Enumerable.Range(0, lines.Length)
                .Where(i => !ParseText.IsIndented(lines[i]) && IfconfigHeader.TryRead(lines[i], out _, out _, out _))
                .ToList();
            if (headers.Count == 0) return (null, lines);
            foreach (var start in headers)
            {
                IfconfigHeader.TryRead(lines[start], out var name, out _, out _);
                if (!name.StartsWith("pfsync", StringComparison.Ordinal)) continue;
                var end = headers.FirstOrDefault(h => h > start);
                return (name, lines.Skip(start + 1).Take((end > start ? end : lines.Length) - start - 1).ToList());
            }

            throw ParseText.Unparsable(Kind, "the ifconfig output has no pfsync interface");
        }

        private static string? Value(Dictionary<string, string> values, string label) =>
            values.TryGetValue(label, out var value) ? value : null;

        private static int? Number(Dictionary<string, string> values, string label, int min, int max) =>
            values.TryGetValue(label, out var value) ? ParseText.IntInRange(Kind, label.TrimEnd(':'), value, min, max) : (int?)null;

        private static bool? OnOff(Dictionary<string, string> values, string label, string on, string off)
        {
            if (!values.TryGetValue(label, out var value)) return null;
            if (value == on) return true;
            if (value == off) return false;
            throw ParseText.Unparsable(Kind, $"{label} '{value}' is neither {on} nor {off}");
        }
    }
}
