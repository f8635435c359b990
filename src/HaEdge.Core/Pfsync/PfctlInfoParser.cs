using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Pfsync;

/// <summary>
/// Reads <c>pfctl -si</c> and <c>pfctl -v -si</c> (FreeBSD <c>print_status()</c>): the status line, host id and
/// checksum, then sections whose indented lines are <c>name total [rate/s]</c>. The State Table's
/// <c>current entries</c> is required; the same label under Source Tracking Table is kept apart. A line it cannot
/// read (no line print_status() prints, a counter cut short) is skipped and reported; it ends no section.
/// </summary>
internal static class PfctlInfoParser
{
    private const string Kind = "pfctl -si";

    // "Status: %s for %u days %.2u:%.2u:%.2u" padded to 44, then "Debug: %s" right-aligned in 15.
    private static readonly Regex StatusLine = new Regex(
        @"^Status: (?<state>Enabled|Disabled)(?: for (?<days>[0-9]{1,6}) days (?<h>[0-9]{2}):(?<m>[0-9]{2}):(?<s>[0-9]{2}))?(?:\s+Debug: (?<debug>\w+))?\s*$",
        RegexOptions.CultureInvariant);

    // The section titles print_status() prints (pfctl_parser.c; Fragments in newer trees), and pfctl -s all's
    // "INFO:"-style headers.
    private static readonly string[] SectionTitles = { "Source Tracking Table", "Counters", "Limit Counters", "Syncookies", "Fragments" };
    private static readonly Regex AllSectionHeader = new Regex(@"^[A-Z][A-Z ]*:$", RegexOptions.CultureInvariant);

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static PfctlInfo Parse(string text) => Read(text).Value;

    public static Parsed<PfctlInfo> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        Match? status = null;
        string? hostId = null;
        string? checksum = null;
        var section = "";
        var sections = new Dictionary<string, List<PfctlCounter>>(StringComparer.Ordinal);
        var lines = ParseText.Lines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            try
            {
                if (ParseText.IsIndented(line))
                {
                    if (section.Length == 0) throw ParseText.Unparsable(Kind, "indented but not inside a section");
                    if (IsCounterSection(section)) sections[section].Add(ReadCounter(trimmed));
                }
                else if (trimmed.StartsWith("Status:", StringComparison.Ordinal))
                {
                    var match = StatusLine.Match(trimmed);
                    if (!match.Success) throw ParseText.Unparsable(Kind, "the Status line is incomplete");
                    ReadUptime(match);
                    status ??= match;
                }
                else if (trimmed.StartsWith("Hostid:", StringComparison.Ordinal))
                {
                    var value = HexAfterLabel(trimmed, "Hostid:");
                    if (!ParseText.TryUInt32Hex(value, out var id)) throw ParseText.Unparsable(Kind, $"Hostid '{value}' is not a 32-bit hex number");
                    hostId = id.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (trimmed.StartsWith("Checksum:", StringComparison.Ordinal))
                {
                    checksum = HexAfterLabel(trimmed, "Checksum:");
                }
                else if (IsSectionTitle(trimmed))
                {
                    // "State Table   Total   Rate", "Counters", "Interface Stats for em0 ...", "INFO:" (pfctl -s all).
                    section = trimmed.StartsWith("State Table", StringComparison.Ordinal) ? "State Table" : trimmed;
                    if (IsCounterSection(section) && !sections.ContainsKey(section)) sections[section] = new List<PfctlCounter>();
                }
                else
                {
                    throw ParseText.Unparsable(Kind, "not a line pfctl -s info prints");
                }
            }
            catch (HaEdgeException e) when (ParseText.IsUnparsable(e))
            {
                log.Skip(i + 1, line, e);
            }
        }

        if (status == null) throw log.Fail("no 'Status: Enabled|Disabled' line");
        var stateTable = sections.TryGetValue("State Table", out var s) ? s : new List<PfctlCounter>();
        var entries = stateTable.FirstOrDefault(c => c.Name == "current entries")
            ?? throw log.Fail("no 'current entries' line in the State Table section");
        return log.Result(new PfctlInfo
        {
            Enabled = status.Groups["state"].Value == "Enabled",
            Uptime = ReadUptime(status),
            Debug = status.Groups["debug"].Success ? status.Groups["debug"].Value : null,
            HostId = hostId,
            Checksum = checksum,
            StateEntries = entries.Total,
            StateSearches = stateTable.FirstOrDefault(c => c.Name == "searches"),
            StateInserts = stateTable.FirstOrDefault(c => c.Name == "inserts"),
            StateRemovals = stateTable.FirstOrDefault(c => c.Name == "removals"),
            SourceTrackingEntries = sections.TryGetValue("Source Tracking Table", out var sources)
                ? sources.FirstOrDefault(c => c.Name == "current entries")?.Total
                : null,
            Counters = sections.TryGetValue("Counters", out var counters) ? counters : new List<PfctlCounter>(),
        });
    }

    private static bool IsSectionTitle(string line) =>
        line.StartsWith("State Table", StringComparison.Ordinal) || line.StartsWith("Interface Stats for ", StringComparison.Ordinal)
        || SectionTitles.Contains(line) || AllSectionHeader.IsMatch(line);

    private static bool IsCounterSection(string section) =>
        section == "State Table" || section == "Source Tracking Table" || section == "Counters";

    // "  %-25s %14ju %14.1f/s" - the name may contain spaces, so read from the right.
    private static PfctlCounter ReadCounter(string line)
    {
        var words = ParseText.Words(line);
        var last = words.Length - 1;
        double? rate = null;
        if (last >= 2 && words[last].EndsWith("/s", StringComparison.Ordinal))
        {
            var rateText = words[last].Substring(0, words[last].Length - 2);
            if (!ParseText.TryDecimal(rateText, out var value)) throw ParseText.Unparsable(Kind, $"rate '{words[last]}' is not a number");
            rate = value;
            last--;
        }

        if (last < 1 || !ParseText.TryLong(words[last], out var total))
            throw ParseText.Unparsable(Kind, "not 'name total [rate/s]'");
        return new PfctlCounter { Name = string.Join(" ", words.Take(last)), Total = total, RatePerSecond = rate };
    }

    private static string HexAfterLabel(string line, string label)
    {
        var value = line.Substring(label.Length).Trim();
        if (!value.StartsWith("0x", StringComparison.Ordinal) || value.Length == 2 || !value.Substring(2).All(Uri.IsHexDigit))
            throw ParseText.Unparsable(Kind, $"{label} '{value}' is not a hex number");
        return value.Substring(2).ToLowerInvariant();
    }

    private static TimeSpan? ReadUptime(Match status)
    {
        if (!status.Groups["days"].Success) return null;
        int Part(string name) => int.Parse(status.Groups[name].Value, System.Globalization.CultureInfo.InvariantCulture);
        var (hours, minutes, seconds) = (Part("h"), Part("m"), Part("s"));
        if (hours > 23 || minutes > 59 || seconds > 59) throw ParseText.Unparsable(Kind, $"uptime '{status.Value}' is not a time of day");
        return new TimeSpan(Part("days"), hours, minutes, seconds);
    }
}
