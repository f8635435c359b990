using System.Text.RegularExpressions;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Carp;

/// <summary>The first line of an interface in <c>ifconfig</c> output: <c>vtnet0: flags=8863&lt;UP,...&gt; metric 0 mtu 1500</c>.</summary>
internal static class IfconfigHeader
{
    private static readonly Regex Pattern = new Regex(
        @"^(?<name>[A-Za-z0-9_.\-]+): flags=[0-9a-fA-F]+<(?<flags>[^>]*)>(?: metric [0-9]+)?(?: mtu (?<mtu>[0-9]+))?\s*$",
        RegexOptions.CultureInvariant);

    internal static bool TryRead(string line, out string name, out string[] flags, out int? mtu)
    {
        var match = Pattern.Match(line);
        name = match.Groups["name"].Value;
        flags = match.Groups["flags"].Value.Split(new[] { ',' }, System.StringSplitOptions.RemoveEmptyEntries);
        mtu = ParseText.TryInt(match.Groups["mtu"].Value, out var value) ? value : (int?)null;
        return match.Success;
    }
}
