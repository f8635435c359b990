using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// The neutral tree both sources share: config.xml read here the way pfSense's own parser does, and
/// XML-RPC values as <see cref="XmlRpcCodec"/> decodes them. A struct is an
/// IReadOnlyDictionary&lt;string, object?&gt;, a list an IReadOnlyList&lt;object?&gt;, a leaf a string (or a
/// scalar from XML-RPC).
/// </summary>
internal static class ConfigTree
{
    // pfSense xmlparse.inc listtags(): these elements are always lists, even with one entry, exactly as
    // XML-RPC returns them.
    private static readonly HashSet<string> ListTags = new HashSet<string>(StringComparer.Ordinal)
    {
        "acls", "alias", "aliasurl", "allowedip", "allowedhostname", "authserver", "bridged", "build_port_path",
        "ca", "cacert", "cert", "crl", "clone", "config", "container", "columnitem", "checkipservice",
        "depends_on_package", "disk", "dnsserver", "dnsupdate", "domainoverrides", "dyndns", "earlyshellcmd",
        "element", "encryption-algorithm-option", "field", "fieldname", "gateway_item", "gateway_group", "gif",
        "gre", "group", "hash-algorithm-option", "hosts", "ifgroupentry", "igmpentry", "interface_array", "item",
        "key", "lagg", "lbaction", "lbpool", "l7rules", "lbprotocol", "member", "menu", "tab", "mobilekey",
        "monitor_type", "mount", "npt", "ntpserver", "onetoone", "openvpn-server", "openvpn-client",
        "openvpn-csc", "option", "package", "passthrumac", "phase1", "phase2", "ppp", "pppoe", "priv",
        "proxyarpnet", "pool", "qinqentry", "queue", "pages", "pipe", "radnsserver", "roll", "route", "row",
        "rrddatafile", "rule", "schedule", "service", "servernat", "servers", "serversdisabled", "shellcmd",
        "staticmap", "subqueue", "switch", "swport", "timerange", "tunnel", "user", "vip", "virtual_server",
        "vlan", "vlangroup", "winsserver", "wolentry", "widget",
    };

    /// <summary>
    /// An element as pfSense parses it: children become a struct keyed by lower-case name, list tags become
    /// lists, a leaf becomes its text (tabs and line breaks trimmed) and an empty element becomes "".
    /// </summary>
    public static object FromElement(XElement element)
    {
        if (element == null) throw new ArgumentNullException(nameof(element));
        if (!element.HasElements)
        {
            var text = element.Value.Trim('\t', '\n', '\r');
            return text.Trim(' ').Length == 0 ? "" : text;
        }

        var members = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            var name = child.Name.LocalName.ToLowerInvariant();
            var value = FromElement(child);
            if (members.TryGetValue(name, out var existing) && existing is List<object?> list)
                list.Add(value);
            else if (ListTags.Contains(name))
                members[name] = new List<object?> { value };
            else if (existing != null)
                members[name] = new List<object?> { existing, value }; // pfSense refuses a repeated non-list tag; keep both
            else
                members[name] = value;
        }
        return members;
    }

    /// <summary>The node at a '/'-separated path of struct keys (e.g. "system/user"), or null.</summary>
    public static object? Select(object? root, string path)
    {
        var node = root;
        foreach (var key in path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!(node is IReadOnlyDictionary<string, object?> members) || !members.TryGetValue(key, out node)) return null;
        }
        return node;
    }

    /// <summary>A leaf as text (invariant culture); null for a missing value, a struct or a list.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "1" : "0",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTime t => t.ToString("s", CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The text of a struct member, or null.</summary>
    public static string? Text(object? parent, string key) =>
        parent is IReadOnlyDictionary<string, object?> members && members.TryGetValue(key, out var value) ? Text(value) : null;

    /// <summary>Entries of a list tag: a list as is, a lone struct as one entry (PHP arrays with holes come back as structs).</summary>
    public static IReadOnlyList<object?> Items(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> members when members.Count > 0 && members.Keys.All(IsIndex) =>
            members.OrderBy(m => int.Parse(m.Key, CultureInfo.InvariantCulture)).Select(m => m.Value).ToList(),
        IReadOnlyDictionary<string, object?> single => new object?[] { single },
        _ => Array.Empty<object?>(),
    };

    private static bool IsIndex(string key) => key.Length > 0 && key.All(c => c >= '0' && c <= '9') && key.Length < 10;
}
