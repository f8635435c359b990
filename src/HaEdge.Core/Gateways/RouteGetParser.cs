using System;
using System.Linq;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Gateways;

/// <summary>
/// Reads FreeBSD <c>route -n get &lt;destination&gt;</c> (sbin/route/route.c and route_netlink.c <c>print_getmsg()</c>):
/// right-aligned <c>label: value</c> lines (<c>route to</c>, <c>destination</c>, <c>mask</c>, <c>gateway</c>,
/// <c>fib</c>, <c>interface</c>, <c>flags</c>) followed by a metrics table, which is passed over. Any other line is
/// skipped and reported.
/// </summary>
internal static class RouteGetParser
{
    private const string Kind = "route -n get";

    private static readonly string[] Known = { "route to", "destination", "mask", "gateway", "fib", "interface", "if address", "flags" };

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static RouteInfo Parse(string text) => Read(text).Value;

    public static Parsed<RouteInfo> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        string? destination = null;
        string? gateway = null;
        string? interfaceName = null;
        string? flags = null;
        var metricsFollow = false;
        var lines = ParseText.Lines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            // "recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire", then one line of values.
            if (trimmed.StartsWith("recvpipe", StringComparison.Ordinal))
            {
                metricsFollow = true;
                continue;
            }

            if (metricsFollow)
            {
                metricsFollow = false;
                if (line.IndexOf(':') < 0) continue;
            }

            var colon = line.IndexOf(':');
            var label = colon < 0 ? "" : line.Substring(0, colon).Trim();
            var value = colon < 0 ? "" : line.Substring(colon + 1).Trim();
            switch (label)
            {
                case "destination": destination = value; break;
                case "gateway": gateway = value; break;
                case "interface": interfaceName = value; break;
                case "flags": flags = value; break;
                case "route": throw log.Fail($"route reported '{value}'");
                default:
                    if (!Known.Contains(label)) log.Skip(i + 1, line, "not a line route get prints");
                    break;
            }
        }

        if (string.IsNullOrEmpty(interfaceName)) throw log.Fail("no 'interface:' line");
        return log.Result(new RouteInfo
        {
            Destination = destination,
            Gateway = string.IsNullOrEmpty(gateway) ? null : gateway,
            Interface = interfaceName!,
            Flags = (flags ?? "").Trim('<', '>').Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).ToList(),
        });
    }
}
