using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>
/// A lab firewall's pfSense config.xml at <c>&lt;state-dir&gt;/&lt;fw&gt;/config.xml</c>: load, change under the
/// lock and write atomically (temp + rename) in pfSense's layout (tab indent, CDATA for descr/password/username...,
/// empty elements as <c>&lt;x&gt;&lt;/x&gt;</c>), and the mapping between config sections and XML-RPC values that
/// pfSense's xmlparse.inc defines (list tags are always arrays, empty elements are "").
/// </summary>
internal static class SimPfConfig
{
    // xmlparse.inc listtags(): elements that are always parsed as arrays, even when they occur once.
    private static readonly HashSet<string> ListTags = new(StringComparer.Ordinal)
    {
        "alias", "authserver", "ca", "cert", "crl", "dnsserver", "domainoverrides", "gateway_group", "gateway_item",
        "group", "hosts", "item", "member", "onetoone", "priv", "route", "rule", "schedule", "staticmap", "timerange",
        "tunnel", "user", "vip", "vlan", "wolentry", "npt", "servernat", "qinqentry", "lagg", "gif", "gre", "bridged",
    };

    // xmlparse.inc is_cdata_entity(): values of tags starting with these are written as CDATA.
    private static readonly string[] CdataPrefixes =
    {
        "aclname", "auth_pass", "auth_prompt", "auth_user", "certca", "certname", "city", "common_name", "descr", "detail",
        "email", "encryption_password", "hint", "ldap_", "login_banner", "organization", "password", "proxypass",
        "proxyuser", "rangedescr", "state", "text", "username", "varusersusername", "varuserspassword",
    };

    public static string PathOf(string stateDir, string firewall) => Path.Combine(stateDir, firewall, "config.xml");

    /// <summary>PHP's intval() and loose number compare of a config value: its leading integer, 0 when there is none.</summary>
    public static long IntVal(string? text)
    {
        string trimmed = text?.Trim() ?? "";
        string digits = new string(trimmed.TakeWhile((c, i) => char.IsDigit(c) || (i == 0 && c == '-')).ToArray());
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;
    }

    /// <summary>An element the parser always makes an array (written once per entry, nothing when empty).</summary>
    public static bool IsListTag(string name) => ListTags.Contains(name);

    public static XElement Load(string stateDir, string firewall)
    {
        // Without the lock: writes replace the file whole. (pfSense's lock() in util.inc is shared unless a writer asks for LOCK_EX.)
        string path = PathOf(stateDir, firewall);
        return XDocument.Parse(File.ReadAllText(path)).Root ?? throw new InvalidDataException($"{path}: empty document");
    }

    /// <summary>Read-modify-write of the whole config under its lock; the change returns what the caller needs.</summary>
    public static T Update<T>(string stateDir, string firewall, Func<XElement, T> change)
    {
        string path = PathOf(stateDir, firewall);
        using (StateFile.Lock(path))
        {
            XElement root = XDocument.Parse(File.ReadAllText(path)).Root ?? throw new InvalidDataException($"{path}: empty document");
            T result = change(root);
            StateFile.WriteAtomic(path, Serialize(root));
            return result;
        }
    }

    /// <summary>Creates the config at first start (the lab may also place its own there beforehand).</summary>
    public static void EnsureExists(string stateDir, string firewall, Func<XElement> create)
    {
        string path = PathOf(stateDir, firewall);
        using (StateFile.Lock(path))
        {
            if (!File.Exists(path))
            {
                StateFile.WriteAtomic(path, Serialize(create()));
            }
        }
    }

    /// <summary>write_config()'s revision stamp.</summary>
    public static void Stamp(XElement root, string description, string user)
    {
        root.Element("revision")?.Remove();
        root.Add(new XElement("revision",
            new XElement("time", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new XElement("description", description),
            new XElement("username", user)));
    }

    /// <summary>A config element as pfSense's parser makes it: a string leaf, or a struct whose list tags are arrays.</summary>
    public static object ToValue(XElement element)
    {
        if (!element.HasElements)
        {
            return element.Value.Trim();
        }
        var members = new OrderedDictionary<string, object>();
        foreach (IGrouping<string, XElement> group in element.Elements().GroupBy(e => e.Name.LocalName))
        {
            members[group.Key] = ListTags.Contains(group.Key) || group.Count() > 1
                ? group.Select(ToValue).ToList()
                : ToValue(group.First());
        }
        return members;
    }

    /// <summary>The reverse of <see cref="ToValue"/>: arrays repeat the element, true is an empty element, false is absent.</summary>
    public static IEnumerable<XElement> ToElements(string name, object value) => value switch
    {
        false => Enumerable.Empty<XElement>(),
        true => new[] { Leaf(name, "") },
        OrderedDictionary<string, object> members => new[] { new XElement(name, members.SelectMany(m => ToElements(m.Key, m.Value))) },
        List<object> items => items.SelectMany(item => ToElements(name, item)),
        _ => new[] { Leaf(name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "") },
    };

    public static XElement Leaf(string name, string text) =>
        text.Length > 0 && CdataPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))
            ? new XElement(name, new XCData(text))
            : new XElement(name, text);

    public static string Serialize(XElement root)
    {
        // An element without content must still print as <x></x>, as pfSense writes it.
        foreach (XElement leaf in root.DescendantsAndSelf().Where(e => !e.HasElements).ToList())
        {
            leaf.ReplaceWith(Leaf(leaf.Name.LocalName, leaf.Value));
        }
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "\t", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, settings))
        {
            new XDocument(new XDeclaration("1.0", null, null), root).Save(writer);
        }
        return text.ToString().Replace("<?xml version=\"1.0\" encoding=\"utf-16\"?>", "<?xml version=\"1.0\"?>", StringComparison.Ordinal) + "\n";
    }
}
