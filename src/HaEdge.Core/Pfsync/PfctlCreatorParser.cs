using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Pfsync;

/// <summary>
/// Reads <c>pfctl -sc</c>: a title line (<c>Creator IDs:</c>), then one state-creator host id per line (<c>%08x</c>);
/// also the title-less list of <c>pfctl -vvss | awk '/creatorid:/ {print $4;}' | sort -u</c> (pfSense 2.7.0's way).
/// The ids come back as eight lower-case hex digits, the form of <see cref="PfctlInfo.HostId"/>. A
/// line that is no host id is skipped and reported.
/// </summary>
internal static class PfctlCreatorParser
{
    private const string Kind = "pfctl -sc";

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static IReadOnlyList<string> Parse(string text) => Read(text).Value;

    public static Parsed<IReadOnlyList<string>> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        var ids = new List<string>();
        var titled = false;
        var lines = ParseText.Lines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (ParseText.TryUInt32Hex(line, out var id))
                ids.Add(id.ToString("x8", CultureInfo.InvariantCulture));
            // pfSense itself skips the title ("tail -n +2"): it comes before the ids.
            else if (!titled && ids.Count == 0 && line.IndexOf("creator", StringComparison.OrdinalIgnoreCase) >= 0) titled = true;
            else log.Skip(i + 1, lines[i], "not a host id");
        }

        if (!titled && ids.Count == 0) throw log.Fail("no 'Creator IDs:' title and no host id");
        return log.Result<IReadOnlyList<string>>(ids);
    }
}
