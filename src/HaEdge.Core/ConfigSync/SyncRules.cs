using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>One way pfSense's own config sync leaves the secondary different from the primary.</summary>
internal sealed class SyncRule
{
    internal SyncRule(string name, string reason)
    {
        Name = name;
        Reason = reason;
    }

    /// <summary>Stable name, e.g. CarpAdvskew.</summary>
    public string Name { get; }

    /// <summary>What pfSense does, and the upstream file that does it.</summary>
    public string Reason { get; }

    public override string ToString() => Name;
}

/// <summary>
/// The differences a correctly synced pfSense pair keeps for ever, as pfSense CE 2.7.0 to 2.8 make them: the
/// primary rewrites what it sends (src/etc/rc.filter_synchronize, carp_sync_xml and backup_vip_config_section) and
/// the secondary keeps some of its own (src/usr/local/www/xmlrpc.php restore_config_section, src/etc/inc/auth.inc
/// local_sync_accounts). docs/design/contract.md lists them with the upstream lines.
/// </summary>
internal static class SyncRules
{
    public static readonly SyncRule CarpAdvskew = new SyncRule("CarpAdvskew",
        "The primary sends each CARP VIP with advskew + 100, at most 254 (rc.filter_synchronize, backup_vip_config_section).");

    public static readonly SyncRule CarpAdvbase = new SyncRule("CarpAdvbase",
        "The primary sends each CARP VIP's advbase capped at 254 (rc.filter_synchronize, backup_vip_config_section).");

    public static readonly SyncRule DhcpFailoverPeer = new SyncRule("DhcpFailoverPeer",
        "The primary sends its own interface address as the DHCP failover peer (rc.filter_synchronize, carp_sync_xml).");

    public static readonly SyncRule EmptySectionSent = new SyncRule("EmptySectionSent",
        "A ticked section the primary does not have is sent empty, and the secondary writes it as an empty element "
        + "(rc.filter_synchronize: config_init_path(), array_get_path(..., []) in carp_sync_xml).");

    public static readonly SyncRule NoSync = new SyncRule("NoSync",
        "Entries marked 'Do not sync' (nosync) are not sent (rc.filter_synchronize, carp_sync_xml).");

    public static readonly SyncRule LocalVip = new SyncRule("LocalVip",
        "IP alias and proxy ARP VIPs not stacked on a CARP VIP are not sent, and the secondary keeps its own "
        + "(rc.filter_synchronize backup_vip_config_section; xmlrpc.php restore_config_section).");

    public static readonly SyncRule UserKeptLocal = new SyncRule("UserKeptLocal",
        "The secondary keeps its own user with uid < 2000 (admin) unless 'Synchronize admin' (adminsync) is on, and never "
        + "deletes its own users with uid < 2000 or > 65000 (xmlrpc.php restore_config_section; auth.inc local_sync_accounts).");

    public static readonly SyncRule GroupKeptLocal = new SyncRule("GroupKeptLocal",
        "The secondary keeps its own group when the primary's has gid < 1999 (all; admins is 1999 and is replaced), and "
        + "never deletes its own groups with gid < 1999 or > 65000 (xmlrpc.php restore_config_section; auth.inc local_sync_accounts).");

    public static readonly SyncRule AccountsSortedByName = new SyncRule("AccountsSortedByName",
        "The secondary sorts its users and groups by name whenever a sync changes them (auth.inc local_sync_accounts).");

    public static readonly SyncRule KeaHaSwap = new SyncRule("KeaHaSwap",
        "pfSense 2.8 sends the Kea HA local and remote address and port swapped (rc.filter_synchronize, carp_sync_xml).");

    public static readonly SyncRule KeaHaRemoteName = new SyncRule("KeaHaRemoteName",
        "pfSense 2.8 sends the primary's Kea HA local name (or its hostname) as the remote name (rc.filter_synchronize, carp_sync_xml).");

    public static readonly SyncRule KeaHaRole = new SyncRule("KeaHaRole",
        "pfSense 2.8 sends the Kea HA role flipped, primary to standby and standby to primary (rc.filter_synchronize, carp_sync_xml).");

    public static readonly SyncRule KeaHaKeptLocal = new SyncRule("KeaHaKeptLocal",
        "pfSense 2.8 does not send the Kea HA local name, TLS and certificate settings, and the secondary keeps its own "
        + "(rc.filter_synchronize carp_sync_xml; xmlrpc.php restore_config_section).");

    /// <summary>Every rule, for help and tests.</summary>
    public static IReadOnlyList<SyncRule> All { get; } = new[]
    {
        CarpAdvskew, CarpAdvbase, DhcpFailoverPeer, EmptySectionSent, NoSync, LocalVip, UserKeptLocal, GroupKeptLocal, AccountsSortedByName,
        KeaHaSwap, KeaHaRemoteName, KeaHaRole, KeaHaKeptLocal,
    };

    // Sections rc.filter_synchronize sends whenever their box is ticked, empty when the primary has none
    // (config_init_path(), or array_get_path()'s default []); the others it sends only when they exist.
    private static readonly HashSet<string> AlwaysSent = new HashSet<string>(StringComparer.Ordinal)
    {
        "filter", "nat", "aliases", "wol", "shaper", "dnshaper", "staticroutes", "gateways", "virtualip", "ipsec", "openvpn",
        "cert", "ca", "crl", "schedules",
    };

    // Where carp_sync_xml strips entries carrying <nosync> before sending.
    private static readonly HashSet<string> NosyncLists = new HashSet<string>(StringComparer.Ordinal)
    {
        "nat/outbound/rule", "nat/rule", "filter/rule", "aliases/alias", "dnsmasq/hosts", "ipsec/tunnel",
    };

    // The Kea HA settings carp_sync_xml drops and restore_config_section restores from the receiver's old config.
    private static readonly string[] KeaHaLocalKeys = { "localname", "tls", "mutualtls", "scertref", "ccertref" };

    private const int MaxAdvertisement = 254;

    /// <summary>A section the primary lacks that the secondary holds empty, as the sync leaves it.</summary>
    internal static SyncRule? SentEmpty(string shape) => AlwaysSent.Contains(shape) ? EmptySectionSent : null;

    /// <summary>True for kea/ha and kea6/ha, whose sent values carp_sync_xml rewrites from their siblings.</summary>
    internal static bool IsKeaHa(string shape) => shape == "kea/ha" || shape == "kea6/ha";

    /// <summary>
    /// The rule under which a primary list entry is not sent at all: nosync, or an IP alias / proxy ARP VIP that is
    /// not stacked on a CARP VIP or lo0 (backup_vip_config_section); null when it is sent.
    /// </summary>
    internal static SyncRule? NotSent(string shape, object? entry)
    {
        if (NosyncLists.Contains(shape) && entry is IReadOnlyDictionary<string, object?> flagged && flagged.ContainsKey("nosync"))
            return NoSync;
        if (shape != "virtualip/vip") return null;
        var mode = ConfigTree.Text(entry, "mode");
        var iface = ConfigTree.Text(entry, "interface") ?? "";
        return (mode == "proxyarp" || mode == "ipalias") && iface.IndexOf("_vip", StringComparison.Ordinal) < 0
            && iface.IndexOf("lo0", StringComparison.Ordinal) < 0
            ? LocalVip
            : null;
    }

    /// <summary>
    /// The rule under which the secondary keeps its own entry: <paramref name="primary"/> is the primary's entry of
    /// the same identity, or null when only the secondary has one. Null when the sync replaces or deletes it.
    /// </summary>
    internal static SyncRule? KeptBySecondary(string shape, object? primary, object? secondary, bool adminSync)
    {
        switch (shape)
        {
            case "system/user":
                // A sent user of the same name with uid < 2000 stays local unless adminsync is on; a user only the
                // secondary has is deleted unless its uid is < 2000 or > 65000 (PHP compares the text as a number).
                return primary != null
                    ? Number(primary, "uid") < 2000 && !adminSync ? UserKeptLocal : null
                    : Number(secondary, "uid") < 2000 || Number(secondary, "uid") > 65000 ? UserKeptLocal : null;
            case "system/group":
                return primary != null
                    ? Number(primary, "gid") < 1999 ? GroupKeptLocal : null
                    : Number(secondary, "gid") < 1999 || Number(secondary, "gid") > 65000 ? GroupKeptLocal : null;
            case "virtualip/vip":
                // A VIP the primary sends replaces the secondary's of the same identity.
                if (primary != null && NotSent(shape, primary) == null) return null;
                // restore_config_section's $vipbackup: what is neither CARP nor an IP alias on a CARP VIP or lo0, and is
                // an IP alias / proxy ARP not on a CARP VIP, or anything on lo0, is put back after the sent list.
                var mode = ConfigTree.Text(secondary, "mode");
                var iface = ConfigTree.Text(secondary, "interface") ?? "";
                var onVip = iface.StartsWith("_vip", StringComparison.Ordinal);
                var onLo0 = iface.IndexOf("lo0", StringComparison.Ordinal) >= 0;
                if (mode == "carp" || (mode == "ipalias" && (onVip || onLo0))) return null;
                return ((mode == "ipalias" || mode == "proxyarp") && !onVip) || onLo0 ? LocalVip : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// What the secondary holds after a sync for a leaf the primary's sync rewrites, from the primary's value:
    /// true with a value, or true with null when any value is expected; false when the leaf is sent as it is.
    /// </summary>
    internal static bool TryRewrite(string shape, string primary, out string? secondary, out SyncRule? rule)
    {
        secondary = null;
        rule = null;
        if (shape == "virtualip/vip/advskew" && primary.Length > 0)
        {
            // PHP intval(): a value that is not a number counts as 0.
            secondary = Math.Min(Number(primary) + 100, MaxAdvertisement).ToString(CultureInfo.InvariantCulture);
            rule = CarpAdvskew;
            return true;
        }
        if (shape == "virtualip/vip/advbase" && primary.Length > 0)
        {
            secondary = Math.Min(Number(primary), MaxAdvertisement).ToString(CultureInfo.InvariantCulture);
            rule = CarpAdvbase;
            return true;
        }
        // The primary sends its own address on that interface as the failover peer (the lab reads no interfaces here).
        var parts = shape.Split('/');
        if (parts.Length == 3 && parts[0] == "dhcpd" && parts[2] == "failover_peerip" && primary.Length > 0)
        {
            rule = DhcpFailoverPeer;
            return true;
        }
        return false;
    }

    /// <summary>An expected leaf of kea/ha or kea6/ha: a value, or any value (the secondary's own).</summary>
    internal sealed class Expectation
    {
        public Expectation(string? value, bool any, SyncRule rule)
        {
            Value = value;
            Any = any;
            Rule = rule;
        }

        public string? Value { get; }

        public bool Any { get; }

        public SyncRule Rule { get; }
    }

    /// <summary>
    /// The leaves of a Kea HA block that pfSense 2.8 sends differently from the primary's own (carp_sync_xml), keyed
    /// by name; leaves it sends as they are are not listed. <paramref name="primary"/> is the primary's ha block
    /// (null when it has none: the role and remote name are still sent).
    /// </summary>
    internal static IReadOnlyDictionary<string, Expectation> KeaHa(IReadOnlyDictionary<string, object?>? primary, string? primaryHostname)
    {
        var expected = new Dictionary<string, Expectation>(StringComparer.Ordinal);
        string? Value(string key) => ConfigTree.Text(primary, key);

        // A value moves to its counterpart only when it is set (PHP truthiness: not "" and not "0").
        foreach (var (from, to) in new[] { ("localip", "remoteip"), ("remoteip", "localip"), ("localport", "remoteport"), ("remoteport", "localport") })
        {
            var value = Value(from);
            if (Truthy(value) && value != Value(to)) expected[to] = new Expectation(value, false, KeaHaSwap);
        }

        var localName = primary != null && primary.ContainsKey("localname") ? Value("localname") : primaryHostname;
        if (localName == null)
            expected["remotename"] = new Expectation(null, true, KeaHaRemoteName);
        else if (localName.Trim() != Value("remotename"))
            expected["remotename"] = new Expectation(localName.Trim(), false, KeaHaRemoteName);

        var role = Value("role") ?? "primary";
        var flipped = role == "primary" ? "standby" : role == "standby" ? "primary" : null;
        if (flipped != null) expected["role"] = new Expectation(flipped, false, KeaHaRole);

        foreach (var key in KeaHaLocalKeys) expected[key] = new Expectation(null, true, KeaHaKeptLocal);
        return expected;
    }

    private static bool Truthy(string? value) => !string.IsNullOrEmpty(value) && value != "0";

    // PHP's loose number: a leading integer, else 0 (a missing uid or gid compares as 0).
    private static long Number(object? parent, string key) => Number(ConfigTree.Text(parent, key) ?? "");

    private static int Number(string text)
    {
        var digits = new string(text.Trim().TakeWhile((c, i) => char.IsDigit(c) || (i == 0 && c == '-')).ToArray());
        return int.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}
