using System;
using System.Collections.Generic;
using HaEdge.Core.Model.PfSense;

namespace HaEdge.Core.PfSense.Parsing
{
    /// <summary>Reads <c>sysctl net.inet.carp</c>: <c>net.inet.carp.&lt;name&gt;: &lt;value&gt;</c> lines in any order.</summary>
    public static class CarpSysctlParser
    {
        private const string Kind = "sysctl net.inet.carp";
        private const string Prefix = "net.inet.carp.";

        public static CarpSysctl Parse(string text)
        {
            ParseText.RequireText(text, Kind);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var lines = ParseText.Lines(text);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0) continue;
                // sysctl prints "name: value"; "sysctl -e" prints "name=value".
                var separator = line.IndexOfAny(new[] { ':', '=' });
                var name = separator < 0 ? "" : line.Substring(0, separator).Trim();
                if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                    throw ParseText.Unparsable(Kind, $"line {i + 1} is not a net.inet.carp.* value");
                values[name.Substring(Prefix.Length)] = line.Substring(separator + 1).Trim();
            }

            int Take(string key, int min, int max)
            {
                if (!values.TryGetValue(key, out var value)) throw ParseText.Unparsable(Kind, $"net.inet.carp.{key} is missing");
                values.Remove(key);
                if (!ParseText.TryInt(value, out var number, allowSign: true) || number < min || number > max)
                    throw ParseText.Unparsable(Kind, $"net.inet.carp.{key} '{value}' is not a number from {min} to {max}");
                return number;
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
                // dscp exists from FreeBSD 12 on.
                Dscp = values.ContainsKey("dscp") ? Take("dscp", 0, 63) : (int?)null,
            };
            return result with { Other = values };
        }
    }
}
