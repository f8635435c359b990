using System;
using System.Linq;
using HaEdge.Core.Model.PfSense;

namespace HaEdge.Core.PfSense.Parsing
{
    /// <summary>
    /// Reads FreeBSD <c>route -n get &lt;destination&gt;</c> (sbin/route/route.c <c>print_getmsg()</c>): right-aligned
    /// <c>label: value</c> lines (<c>route to</c>, <c>destination</c>, <c>mask</c>, <c>gateway</c>, <c>fib</c>,
    /// <c>interface</c>, <c>flags</c>) followed by a metrics table, which is skipped.
    /// </summary>
    public static class RouteGetParser
    {
        private const string Kind = "route -n get";

        public static RouteInfo Parse(string text)
        {
            ParseText.RequireText(text, Kind);
            string? destination = null;
            string? gateway = null;
            string? interfaceName = null;
            string? flags = null;
            foreach (var line in ParseText.Lines(text))
            {
                var colon = line.IndexOf(':');
                if (colon < 0) continue;
                var value = line.Substring(colon + 1).Trim();
                switch (line.Substring(0, colon).Trim())
                {
                    case "destination": destination = value; break;
                    case "gateway": gateway = value; break;
                    case "interface": interfaceName = value; break;
                    case "flags": flags = value; break;
                    case "route": throw ParseText.Unparsable(Kind, $"route reported '{value}'");
                }
            }

            if (string.IsNullOrEmpty(interfaceName)) throw ParseText.Unparsable(Kind, "no 'interface:' line");
            return new RouteInfo
            {
                Destination = destination,
                Gateway = string.IsNullOrEmpty(gateway) ? null : gateway,
                Interface = interfaceName!,
                Flags = (flags ?? "").Trim('<', '>').Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).ToList(),
            };
        }
    }
}
