using System;
using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// Which config.xml sections each HA-sync checkbox sends (pfSense system_hasync.php and
/// rc.filter_synchronize). Sections below the top level are written as paths, e.g. "system/user".
/// </summary>
internal static class SyncSections
{
    /// <summary>Checkbox key to the sections it syncs, in pfSense's order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string[]>> Map { get; } = new[]
    {
        Entry("synchronizeusers", "system/user", "system/group"),
        Entry("synchronizeauthservers", "system/authserver"),
        Entry("synchronizecerts", "cert", "ca", "crl"),
        Entry("synchronizerules", "filter", "schedules"),
        Entry("synchronizeschedules", "schedules"),
        Entry("synchronizealiases", "aliases"),
        Entry("synchronizenat", "nat"),
        Entry("synchronizeipsec", "ipsec"),
        Entry("synchronizeopenvpn", "openvpn", "cert", "ca", "crl"),
        Entry("synchronizedhcpd", "dhcpd", "kea"),
        Entry("synchronizekea6", "dhcpdv6", "kea6"),
        Entry("synchronizedhcrelay", "dhcrelay"),
        Entry("synchronizedhcrelay6", "dhcrelay6"),
        Entry("synchronizewol", "wol"),
        // Gateway groups live under gateways, so they only sync with static routes.
        Entry("synchronizestaticroutes", "staticroutes", "gateways"),
        Entry("synchronizevirtualip", "virtualip"),
        Entry("synchronizetrafficshaper", "shaper"),
        Entry("synchronizetrafficshaperlimiter", "dnshaper"),
        Entry("synchronizednsforwarder", "dnsmasq", "unbound"),
        Entry("synchronizecaptiveportal", "captiveportal", "voucher"),
    };

    /// <summary>Every checkbox on the HA sync page, including adminsync, which sends no section of its own.</summary>
    public static IReadOnlyList<string> Checkboxes { get; } = new[] { "adminsync" }.Concat(Map.Select(e => e.Key)).ToArray();

    /// <summary>The distinct sections the ticked boxes sync, in the map's order; unknown keys are ignored.</summary>
    public static IReadOnlyList<string> ForTickedBoxes(IEnumerable<string> tickedBoxes)
    {
        var ticked = new HashSet<string>(tickedBoxes ?? throw new ArgumentNullException(nameof(tickedBoxes)), StringComparer.OrdinalIgnoreCase);
        return Map.Where(e => ticked.Contains(e.Key)).SelectMany(e => e.Value).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The top-level config keys to fetch for section paths ("system/user" needs "system").</summary>
    public static IReadOnlyList<string> TopLevelKeys(IEnumerable<string> sections) =>
        sections.Select(s => s.Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();

    private static KeyValuePair<string, string[]> Entry(string checkbox, params string[] sections) =>
        new KeyValuePair<string, string[]>(checkbox, sections);
}
