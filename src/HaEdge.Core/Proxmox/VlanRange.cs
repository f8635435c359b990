using System;
using System.Collections.Generic;
using System.Globalization;

namespace HaEdge.Core.Proxmox;

/// <summary>One VLAN id or an inclusive range, as in NIC <c>trunks=10;20-30</c> or bridge <c>bridge_vids 2-4094</c>.</summary>
public sealed record VlanRange
{
    public VlanRange(int first, int last)
    {
        First = Math.Min(first, last);
        Last = Math.Max(first, last);
    }

    public int First { get; }

    public int Last { get; }

    public bool Contains(int vlanId) => vlanId >= First && vlanId <= Last;

    public override string ToString() => First == Last
        ? First.ToString(CultureInfo.InvariantCulture)
        : First.ToString(CultureInfo.InvariantCulture) + "-" + Last.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses a VLAN list separated by semicolons, commas or spaces. Throws <see cref="HaEdgeException"/>
    /// (<c>ProxmoxInvalidVlanList</c>) on anything that is not an id or id-id.
    /// </summary>
    internal static IReadOnlyList<VlanRange> ParseList(string? text)
    {
        var ranges = new List<VlanRange>();
        foreach (var item in JsonValue.SplitList(text, ';', ',', ' ', '\t'))
        {
            var dash = item.IndexOf('-');
            var first = dash < 0 ? item : item.Substring(0, dash);
            var last = dash < 0 ? item : item.Substring(dash + 1);
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var firstId)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastId))
            {
                throw new HaEdgeException("ProxmoxInvalidVlanList", FailureKind.InvalidData,
                    $"'{text}' is not a VLAN list: '{item}' is neither an id nor a range id-id.");
            }
            ranges.Add(new VlanRange(firstId, lastId));
        }
        return ranges;
    }
}
