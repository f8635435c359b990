using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>
/// pfSense's xmlrpc.php restore_config_section() on a lab firewall's config.xml, as CE 2.7.0-2.8 do it
/// (pfsense/pfsense RELENG_2_7_2 l.191-641, 6a92af1458 l.186-715, auth.inc local_sync_accounts() l.472-560):
/// <list type="bullet">
/// <item>the full sections (aliases, ca, cert, crl, dhcpd, dhcrelay(6), dnshaper, dnsmasq, filter, ipsec, nat, openvpn,
/// schedules, shaper, unbound, wol; 2.8 also kea, kea6) replace the local ones;</item>
/// <item>users and groups only when both are sent: a group whose sent gid is &lt; 1999 stays local, a user whose sent
/// uid is &lt; 2000 stays local unless hasync/adminsync is 'on', others replace the local one when they differ;
/// local ones that were not sent are deleted unless uid &lt; 2000 or &gt; 65000 (gid &lt; 1999 or &gt; 65000); after a
/// change both lists are sorted by name;</item>
/// <item>every other section goes through array_merge_recursive_unique(), which with two arrays replaces each sent
/// second-level key whole and keeps the local ones not sent;</item>
/// <item>the local IP alias / proxy ARP VIPs not on a CARP VIP (and anything on lo0) are put back before the sent VIPs;</item>
/// <item>2.8: kea and kea6 keep their own ha/tls, scertref, mutualtls, ccertref and localname.</item>
/// </list>
/// </summary>
internal sealed class RestoreConfigSection
{
    private static readonly string[] FullSections27 =
    {
        "aliases", "ca", "cert", "crl", "dhcpd", "dhcrelay", "dhcrelay6", "dnshaper", "dnsmasq", "filter", "ipsec", "nat",
        "openvpn", "schedules", "shaper", "unbound", "wol",
    };

    private static readonly string[] FullSections28 =
    {
        "aliases", "ca", "cert", "crl", "dhcpd", "dhcrelay", "dhcrelay6", "dnshaper", "dnsmasq", "filter", "ipsec", "kea", "kea6",
        "nat", "openvpn", "schedules", "shaper", "unbound", "wol",
    };

    private readonly LabProfile profile;
    private readonly Action<string> logError;

    /// <param name="profile">The pfSense version played.</param>
    /// <param name="logError">log_error() of xmlrpc.php.</param>
    public RestoreConfigSection(LabProfile profile, Action<string> logError)
    {
        this.profile = profile;
        this.logError = logError;
    }

    /// <summary>Applies <paramref name="sections"/> to <paramref name="root"/>; returns the last write_config() description.</summary>
    public string Apply(XElement root, OrderedDictionary<string, object> sections)
    {
        var old = new XElement(root);
        var remaining = new OrderedDictionary<string, object>(sections);

        var replaced = new List<string>();
        foreach (string name in profile.KeaHaSync ? FullSections28 : FullSections27)
        {
            if (remaining.Remove(name, out object? value))
            {
                ReplaceSection(root, name, value);
                replaced.Add(name);
            }
        }

        Accounts? accounts = null;
        if (remaining.TryGetValue("system", out object? sent) && sent is OrderedDictionary<string, object> system
            && NonEmpty(system.GetValueOrDefault("user")) && NonEmpty(system.GetValueOrDefault("group")))
        {
            bool adminSync = remaining.GetValueOrDefault("hasync") is OrderedDictionary<string, object> hasync && hasync.GetValueOrDefault("adminsync") as string == "on";
            accounts = Accounts.Plan(root.Element("system"), Items(system["group"]), Items(system["user"]), adminSync);
            var rest = new OrderedDictionary<string, object>(system);
            rest.Remove("user");
            rest.Remove("group");
            remaining["system"] = rest;
        }

        List<XElement> vipBackup = remaining.ContainsKey("virtualip")
            ? (root.Element("virtualip")?.Elements("vip") ?? Enumerable.Empty<XElement>()).Where(KeptLocally).Select(v => new XElement(v)).ToList()
            : new List<XElement>();

        foreach ((string name, object value) in remaining)
        {
            MergeSection(root, name, value);
        }

        if (profile.KeaHaSync)
        {
            foreach (string kea in new[] { "kea", "kea6" })
            {
                KeepKeaHaSettings(root, old, kea);
            }
        }

        if (vipBackup.Count > 0)
        {
            // array_unshift() one by one: the kept VIPs end up first, in reverse order.
            XElement virtualip = root.Element("virtualip") ?? AddSection(root, new XElement("virtualip"));
            foreach (XElement vip in vipBackup)
            {
                if (virtualip.Elements("vip").FirstOrDefault() is XElement first)
                {
                    first.AddBeforeSelf(vip);
                }
                else
                {
                    virtualip.Add(vip);
                }
            }
        }

        string description = $"Merged in config ({string.Join(", ", remaining.Keys.Concat(replaced))} sections) from XMLRPC client.";
        return accounts?.Apply(root.Element("system")!, logError) ?? description;
    }

    /// <summary>$vipbackup: neither CARP nor an IP alias on a CARP VIP or lo0, and an IP alias / proxy ARP not on a CARP VIP, or anything on lo0.</summary>
    private static bool KeptLocally(XElement vip)
    {
        string mode = (string?)vip.Element("mode") ?? "";
        string iface = (string?)vip.Element("interface") ?? "";
        bool onVip = iface.StartsWith("_vip", StringComparison.Ordinal);
        bool onLo0 = iface.Contains("lo0", StringComparison.Ordinal);
        if (mode == "carp" || (mode == "ipalias" && (onVip || onLo0)))
        {
            return false;
        }
        return ((mode == "ipalias" || mode == "proxyarp") && !onVip) || onLo0;
    }

    /// <summary>
    /// array_merge_recursive_unique($config, $sections) for one section: a sent struct replaces each of its keys whole
    /// and leaves the keys only the receiver has; anything else replaces the section.
    /// </summary>
    private static void MergeSection(XElement root, string name, object value)
    {
        if (value is not OrderedDictionary<string, object> members)
        {
            ReplaceSection(root, name, value);
            return;
        }
        XElement section = root.Element(name) ?? AddSection(root, new XElement(name));
        if (!section.HasElements)
        {
            section.Value = "";
        }
        foreach ((string key, object member) in members)
        {
            ReplaceSection(section, key, member);
        }
    }

    /// <summary>2.8: the receiver's own Kea HA TLS settings and local name survive the sync (xmlrpc.php 6a92af1458 l.473-500).</summary>
    private static void KeepKeaHaSettings(XElement root, XElement old, string kea)
    {
        XElement? oldHa = old.Element(kea)?.Element("ha");
        string? Old(string key) => oldHa?.Element(key)?.Value is string v && v.Length > 0 && v != "0" ? v : null;
        if (oldHa?.Element("tls") != null)
        {
            Set(root, kea, "tls", "");
            SetOrDelete(root, kea, "scertref", Old("scertref"));
            if (oldHa.Element("mutualtls") != null)
            {
                Set(root, kea, "mutualtls", "");
                SetOrDelete(root, kea, "ccertref", Old("ccertref"));
            }
        }
        else
        {
            foreach (string key in new[] { "tls", "scertref", "mutualtls", "ccertref" })
            {
                SetOrDelete(root, kea, key, null);
            }
        }
        SetOrDelete(root, kea, "localname", Old("localname"));
    }

    private static void SetOrDelete(XElement root, string kea, string key, string? value)
    {
        if (value == null)
        {
            root.Element(kea)?.Element("ha")?.Elements(key).Remove();
        }
        else
        {
            Set(root, kea, key, value);
        }
    }

    // config_set_path() creates the path as needed and keeps a key that exists in its place.
    private static void Set(XElement root, string kea, string key, string value)
    {
        XElement section = root.Element(kea) ?? AddSection(root, new XElement(kea));
        XElement ha = section.Element("ha") ?? Added(section, new XElement("ha"));
        if (ha.Element(key) is XElement existing)
        {
            existing.ReplaceWith(SimPfConfig.Leaf(key, value));
        }
        else
        {
            ha.Add(SimPfConfig.Leaf(key, value));
        }
    }

    /// <summary>Replaces every element <paramref name="name"/> under <paramref name="parent"/> with the value's, in place.</summary>
    internal static void ReplaceSection(XElement parent, string name, object value)
    {
        List<XElement> replacement = value is OrderedDictionary<string, object> { Count: 0 } || value is List<object> { Count: 0 } && !SimPfConfig.IsListTag(name)
            ? new List<XElement> { new XElement(name, "") }
            : SimPfConfig.ToElements(name, value).ToList();
        XElement? first = parent.Element(name);
        if (first is null)
        {
            parent.Add(replacement);
            return;
        }
        first.AddBeforeSelf(replacement);
        parent.Elements(name).Except(replacement).Remove();
    }

    private static XElement AddSection(XElement root, XElement section)
    {
        root.Add(section);
        return section;
    }

    private static XElement Added(XElement parent, XElement child)
    {
        parent.Add(child);
        return child;
    }

    private static bool NonEmpty(object? value) => value is List<object> { Count: > 0 } || value is OrderedDictionary<string, object> { Count: > 0 };

    private static List<OrderedDictionary<string, object>> Items(object value) => value switch
    {
        List<object> list => list.OfType<OrderedDictionary<string, object>>().ToList(),
        OrderedDictionary<string, object> single => new List<OrderedDictionary<string, object>> { single },
        _ => new List<OrderedDictionary<string, object>>(),
    };

    /// <summary>What the user and group part of restore_config_section() decided, applied by local_sync_accounts().</summary>
    private sealed class Accounts
    {
        private readonly List<OrderedDictionary<string, object>> userAdd = new();
        private readonly List<OrderedDictionary<string, object>> userDelete = new();
        private readonly List<OrderedDictionary<string, object>> groupAdd = new();
        private readonly List<OrderedDictionary<string, object>> groupDelete = new();

        public static Accounts Plan(XElement? system, List<OrderedDictionary<string, object>> groups, List<OrderedDictionary<string, object>> users, bool adminSync)
        {
            var plan = new Accounts();
            Decide(Local(system, "group"), groups, plan.groupAdd, plan.groupDelete, sent => Number(sent, "gid") < 1999);
            Decide(Local(system, "user"), users, plan.userAdd, plan.userDelete, sent => Number(sent, "uid") < 2000 && !adminSync);
            return plan;
        }

        /// <summary>local_sync_accounts(): deletions, additions, both lists sorted by name; the write_config() description.</summary>
        public string? Apply(XElement system, Action<string> logError)
        {
            if (userAdd.Count + userDelete.Count + groupAdd.Count + groupDelete.Count == 0)
            {
                return null;
            }
            List<OrderedDictionary<string, object>> users = Local(system, "user");
            foreach (OrderedDictionary<string, object> user in userDelete)
            {
                if (Number(user, "uid") > 65000 || (Number(user, "uid") < 2000 && !userAdd.Any(a => Same(a, user))))
                {
                    continue;
                }
                if (users.FindIndex(u => Name(u) == Name(user)) is int at and >= 0)
                {
                    logError($"Removing user: {Name(user)}");
                    users.RemoveAt(at);
                }
            }
            List<OrderedDictionary<string, object>> groups = Local(system, "group");
            foreach (OrderedDictionary<string, object> group in groupDelete)
            {
                if (Number(group, "gid") < 1999 || Number(group, "gid") > 65000)
                {
                    continue;
                }
                if (groups.FindIndex(g => Name(g) == Name(group)) is int at and >= 0)
                {
                    logError($"Removing group: {Name(group)}");
                    groups.RemoveAt(at);
                }
            }
            foreach (OrderedDictionary<string, object> user in userAdd)
            {
                logError($"Adding user: {Name(user)}");
                users.Add(user);
            }
            foreach (OrderedDictionary<string, object> group in groupAdd)
            {
                logError($"Adding group: {Name(group)}");
                groups.Add(group);
            }
            ReplaceSection(system, "user", users.OrderBy(Name, StringComparer.Ordinal).Cast<object>().ToList());
            ReplaceSection(system, "group", groups.OrderBy(Name, StringComparer.Ordinal).Cast<object>().ToList());
            return "Sync'd users and groups via XMLRPC";
        }

        // For each sent account: added when the receiver has none of that name; kept when the rule says so or it is
        // the same; replaced otherwise. The receiver's accounts neither kept nor replaced are to be deleted.
        private static void Decide(List<OrderedDictionary<string, object>> local, List<OrderedDictionary<string, object>> sent,
            List<OrderedDictionary<string, object>> add, List<OrderedDictionary<string, object>> delete, Func<OrderedDictionary<string, object>, bool> keptLocal)
        {
            var handled = new HashSet<int>();
            foreach (OrderedDictionary<string, object> account in sent)
            {
                int index = local.FindIndex(l => Name(l) == Name(account));
                if (index < 0)
                {
                    add.Add(account);
                    continue;
                }
                handled.Add(index);
                if (!keptLocal(account) && !Same(account, local[index]))
                {
                    add.Add(account);
                    delete.Add(account);
                }
            }
            delete.AddRange(local.Where((_, index) => !handled.Contains(index)));
        }

        private static List<OrderedDictionary<string, object>> Local(XElement? system, string kind) =>
            system?.Elements(kind).Select(SimPfConfig.ToValue).OfType<OrderedDictionary<string, object>>().ToList() ?? new();

        private static string Name(OrderedDictionary<string, object> account) => account.GetValueOrDefault("name")?.ToString() ?? "";

        // PHP's == on arrays: the same keys with equal values, in any order.
        private static bool Same(object a, object b) => Canonical(a) == Canonical(b);

        private static string Canonical(object value) => value switch
        {
            OrderedDictionary<string, object> members => "{" + string.Join(",", members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + ":" + Canonical(m.Value))) + "}",
            List<object> items => "[" + string.Join(",", items.Select(Canonical)) + "]",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };

        // PHP compares "2000" < 2000 as numbers; a missing or non-numeric id counts as 0.
        private static long Number(OrderedDictionary<string, object> account, string key) => SimPfConfig.IntVal(account.GetValueOrDefault(key)?.ToString());
    }
}
