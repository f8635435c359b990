using System;
using System.Collections.Generic;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Carp;

/// <summary>
/// Reads <c>sysctl net.inet.carp</c>: <c>net.inet.carp.&lt;name&gt;: &lt;value&gt;</c> lines in any order. A line that
/// is no <c>net.inet.carp.*</c> value is skipped and reported; a required value that is missing or unreadable
/// fails the reading, since nothing can stand in for it.
/// </summary>
internal static class CarpSysctlParser
{
    private const string Kind = "sysctl net.inet.carp";
    private const string Prefix = "net.inet.carp.";

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static CarpSysctl Parse(string text) => Read(text).Value;

    public static Parsed<CarpSysctl> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineOf = new Dictionary<string, (int Number, string Text)>(StringComparer.Ordinal);
        var lines = ParseText.Lines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            // sysctl prints "name: value"; "sysctl -e" prints "name=value".
            var separator = line.IndexOfAny(new[] { ':', '=' });
            var name = separator < 0 ? "" : line.Substring(0, separator).Trim();
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                log.Skip(i + 1, lines[i], "not a net.inet.carp.* value");
                continue;
            }

            values[name.Substring(Prefix.Length)] = line.Substring(separator + 1).Trim();
            lineOf[name.Substring(Prefix.Length)] = (i + 1, lines[i]);
        }

        int Take(string key, int min, int max)
        {
            if (!values.TryGetValue(key, out var value)) throw log.Fail($"net.inet.carp.{key} is missing");
            values.Remove(key);
            if (!ParseText.TryInt(value, out var number, allowSign: true) || number < min || number > max)
                throw log.Fail($"net.inet.carp.{key} '{value}' is not a number from {min} to {max}");
            return number;
        }

        // dscp exists from FreeBSD 12 on; an unreadable one is left out rather than the whole reading.
        int? dscp = null;
        if (values.TryGetValue("dscp", out var dscpText))
        {
            values.Remove("dscp");
            if (ParseText.TryInt(dscpText, out var value) && value <= 63) dscp = value;
            else log.Skip(lineOf["dscp"].Number, lineOf["dscp"].Text, $"net.inet.carp.dscp '{dscpText}' is not a number from 0 to 63");
        }

        var result = new CarpSysctl
        {
            Allow = Take("allow", 0, 1) == 1,
            Preempt = Take("preempt", 0, 1) == 1,
            Log = Take("log", 0, int.MaxValue),
            // Demotion is a signed sum of adjustments; the factors are advskew amounts.
            Demotion = Take("demotion", int.MinValue, int.MaxValue),
            SendErrorDemotionFactor = Take("senderr_demotion_factor", int.MinValue, int.MaxValue),
            InterfaceDownDemotionFactor = Take("ifdown_demotion_factor", int.MinValue, int.MaxValue),
            Dscp = dscp,
        };
        return log.Result(result with { Other = values });
    }
}
