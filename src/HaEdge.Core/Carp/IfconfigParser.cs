using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Carp;

/// <summary>
/// Reads <c>ifconfig</c> output (FreeBSD 8 to 15): interfaces, addresses with their <c>vhid</c>, <c>carp:</c> lines with the
/// FreeBSD 14+ <c>peer</c> line, <c>vrrp:</c> lines and VLAN details. Lines are read by their first word, not their
/// position, because releases print the CARP block in different places. Lines before the first interface header
/// (an <c>ifconfig | grep carp</c> excerpt) are kept with no interface. A line it cannot read is skipped and
/// reported, never the whole output: an unindented line that is no interface header (a banner, a pasted prompt)
/// alone, a header cut short with the detail lines under it (they would land on the interface before). Indented
/// detail lines it has no use for (options=, media:, nd6 ...) are passed over without a report.
/// </summary>
internal static class IfconfigParser
{
    private const string Kind = "ifconfig";

    // "name:" at the start of a line: an interface header, even when the rest of it is cut off.
    private static readonly Regex HeaderStart = new Regex(@"^[A-Za-z0-9_.\-]+:(?: |$)", RegexOptions.CultureInvariant);

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static IfconfigOutput Parse(string text) => Read(text).Value;

    public static Parsed<IfconfigOutput> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        var headerless = new InterfaceBuilder(null, Array.Empty<string>(), null);
        var interfaces = new List<InterfaceBuilder>();
        var current = headerless;
        int? brokenHeader = null;
        var lines = ParseText.Lines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0) continue;
            if (!ParseText.IsIndented(line))
            {
                if (IfconfigHeader.TryRead(line, out var name, out var flags, out var mtu))
                {
                    current = new InterfaceBuilder(name, flags, mtu);
                    interfaces.Add(current);
                    brokenHeader = null;
                }
                else if (HeaderStart.IsMatch(line))
                {
                    brokenHeader = i + 1;
                    log.Skip(i + 1, line, "an interface header cut short; the detail lines under it are skipped with it");
                }
                else
                {
                    log.Skip(i + 1, line, "neither an interface header nor an indented detail line");
                }

                continue;
            }

            if (brokenHeader != null)
            {
                log.Skip(i + 1, line, $"under the interface header of line {brokenHeader}, which could not be read");
                continue;
            }

            try
            {
                ReadBodyLine(current, line);
            }
            catch (HaEdgeException e) when (ParseText.IsUnparsable(e))
            {
                log.Skip(i + 1, line, e);
            }
        }

        var all = new[] { headerless }.Concat(interfaces).ToList();
        var carp = all.SelectMany(b => b.Carp).ToList();
        var vrrp = all.SelectMany(b => b.Vrrp).ToList();
        if (interfaces.Count == 0 && carp.Count == 0 && vrrp.Count == 0)
            throw log.Fail("no interface header and no carp: or vrrp: line");

        return log.Result(new IfconfigOutput
        {
            Interfaces = interfaces.Select(b => b.Build()).ToList(),
            Carp = carp,
            Vrrp = vrrp,
            Vips = all.SelectMany(b => b.Vips()).ToList(),
        });
    }

    private static void ReadBodyLine(InterfaceBuilder target, string line)
    {
        var words = ParseText.Words(line);
        switch (words[0])
        {
            case "carp:":
                target.Carp.Add(ReadCarp(target.Name, line, words));
                break;
            case "peer":
                // FreeBSD 14+ prints it right under its carp: line.
                if (target.Carp.Count == 0) throw ParseText.Unparsable(Kind, "a peer line without a carp: line before it");
                var pair = Pairs(words, 0, "peer line");
                var last = target.Carp.Count - 1;
                target.Carp[last] = target.Carp[last] with { Peer = Required(pair, "peer", "peer line"), Peer6 = Optional(pair, "peer6") };
                break;
            case "vrrp:":
                target.Vrrp.Add(ReadVrrp(target.Name, words));
                break;
            case "inet":
            case "inet6":
                target.Addresses.Add(ReadAddress(words));
                break;
            case "ether":
                if (words.Length < 2) throw ParseText.Unparsable(Kind, "ether without an address");
                target.MacAddress = words[1];
                break;
            case "status:":
                if (words.Length < 2) throw ParseText.Unparsable(Kind, "status: without a value");
                target.Status = string.Join(" ", words.Skip(1));
                break;
            case "vlan:":
                target.Vlan = ReadVlan(words);
                break;
            default:
                // options=, media:, nd6, groups: ... carry nothing HaEdge needs.
                break;
        }
    }

    // \tcarp: %s vhid %d advbase %d advskew %d[ key "%s"]
    private static CarpEntry ReadCarp(string? interfaceName, string line, string[] words)
    {
        var keyAt = line.IndexOf(" key \"", StringComparison.Ordinal);
        var fields = Pairs(keyAt < 0 ? words : ParseText.Words(line.Substring(0, keyAt)), 2, "carp: line");
        return new CarpEntry
        {
            Interface = interfaceName,
            State = ReadState(words, "carp: line"),
            Vhid = ParseText.IntInRange(Kind, "carp vhid", Required(fields, "vhid", "carp: line"), 1, 255),
            AdvBase = ParseText.IntInRange(Kind, "carp advbase", Required(fields, "advbase", "carp: line"), 0, 255),
            AdvSkew = ParseText.IntInRange(Kind, "carp advskew", Required(fields, "advskew", "carp: line"), 0, 255),
            Key = keyAt < 0 ? null : line.Substring(keyAt + 6).TrimEnd().TrimEnd('"'),
        };
    }

    // \tvrrp: %s vrid %d prio %d interval %d
    private static VrrpEntry ReadVrrp(string? interfaceName, string[] words)
    {
        var fields = Pairs(words, 2, "vrrp: line");
        return new VrrpEntry
        {
            Interface = interfaceName,
            State = ReadState(words, "vrrp: line"),
            Vrid = ParseText.IntInRange(Kind, "vrrp vrid", Required(fields, "vrid", "vrrp: line"), 1, 255),
            Priority = ParseText.IntInRange(Kind, "vrrp prio", Required(fields, "prio", "vrrp: line"), 0, 255),
            Interval = ParseText.IntInRange(Kind, "vrrp interval", Required(fields, "interval", "vrrp: line"), 0, 65535),
        };
    }

    private static CarpState ReadState(string[] words, string what)
    {
        if (words.Length < 2) throw ParseText.Unparsable(Kind, $"{what} without a state");
        switch (words[1])
        {
            case "INIT": return CarpState.Init;
            case "BACKUP": return CarpState.Backup;
            case "MASTER": return CarpState.Master;
            default: throw ParseText.Unparsable(Kind, $"{what} state '{words[1]}' is not INIT, BACKUP or MASTER");
        }
    }

    // inet 192.0.2.1 netmask 0xffffff00 broadcast 192.0.2.255 vhid 1
    // inet6 2001:db8::1 prefixlen 64 [flags...] [scopeid 0x4] vhid 2
    private static InterfaceAddress ReadAddress(string[] words)
    {
        var version = words[0] == "inet" ? IpVersion.IPv4 : IpVersion.IPv6;
        var maxPrefix = version == IpVersion.IPv4 ? 32 : 128;
        if (words.Length < 2) throw ParseText.Unparsable(Kind, $"{words[0]} line without an address");
        var address = words[1];
        int? prefix = null;
        int? vhid = null;
        var slash = address.IndexOf('/');
        if (slash >= 0)
        {
            // The inet:cidr / inet6:cidr print formats.
            prefix = ParseText.IntInRange(Kind, $"{words[0]} prefix", address.Substring(slash + 1), 0, maxPrefix);
            address = address.Substring(0, slash);
        }

        for (var i = 2; i < words.Length; i++)
        {
            var word = words[i];
            switch (word)
            {
                case "netmask":
                    prefix = PrefixOfNetmask(ValueAfter(words, i++, "netmask"));
                    break;
                case "prefixlen":
                    prefix = ParseText.IntInRange(Kind, "inet6 prefixlen", ValueAfter(words, i++, "prefixlen"), 0, maxPrefix);
                    break;
                case "vhid":
                    vhid = ParseText.IntInRange(Kind, "address vhid", ValueAfter(words, i++, "vhid"), 1, 255);
                    break;
                case "broadcast":
                case "scopeid":
                case "pltime":
                case "vltime":
                    ValueAfter(words, i++, word);
                    break;
                // Anything else is a flag word such as autoconf, deprecated or tentative.
            }
        }

        if (address.Length == 0 || prefix == null)
            throw ParseText.Unparsable(Kind, $"{words[0]} {address} has no netmask or prefixlen");
        return new InterfaceAddress { Version = version, Address = address, PrefixLength = prefix.Value, Vhid = vhid };
    }

    private static int PrefixOfNetmask(string netmask)
    {
        if (!netmask.StartsWith("0x", StringComparison.Ordinal) || !ParseText.TryUInt32Hex(netmask, out var mask))
            throw ParseText.Unparsable(Kind, $"netmask '{netmask}' is not a hex mask");
        var hostBits = ~mask;
        // A valid mask is ones then zeros, so its host part plus one is a power of two.
        if ((hostBits & (hostBits + 1)) != 0) throw ParseText.Unparsable(Kind, $"netmask '{netmask}' is not contiguous");
        var prefix = 32;
        for (; hostBits != 0; hostBits >>= 1) prefix--;
        return prefix;
    }

    // vlan: 210 vlanproto: 802.1q vlanpcp: 0 parent interface: lagg0   (older: vlan: 210 parent interface: em0)
    private static VlanInfo ReadVlan(string[] words)
    {
        var tag = ParseText.IntInRange(Kind, "vlan tag", ValueAfter(words, 0, "vlan:"), 0, 4095);
        string? protocol = null;
        int? priority = null;
        string? parent = null;
        for (var i = 2; i < words.Length; i++)
        {
            switch (words[i])
            {
                case "vlanproto:":
                    protocol = ValueAfter(words, i++, "vlanproto:");
                    break;
                case "vlanpcp:":
                    priority = ParseText.IntInRange(Kind, "vlanpcp", ValueAfter(words, i++, "vlanpcp:"), 0, 7);
                    break;
                case "interface:":
                    parent = ValueAfter(words, i++, "parent interface:");
                    break;
            }
        }

        return new VlanInfo { Tag = tag, Protocol = protocol, Priority = priority, Parent = parent };
    }

    /// <summary>Reads <c>name value name value ...</c> from <paramref name="start"/> on.</summary>
    private static Dictionary<string, string> Pairs(string[] words, int start, string what)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = start; i < words.Length; i += 2)
            pairs[words[i]] = ValueAfter(words, i, $"{what} {words[i]}");
        return pairs;
    }

    private static string ValueAfter(string[] words, int index, string what)
    {
        if (index + 1 >= words.Length) throw ParseText.Unparsable(Kind, $"{what} has no value (truncated line?)");
        return words[index + 1];
    }

    private static string Required(Dictionary<string, string> pairs, string name, string what) =>
        pairs.TryGetValue(name, out var value) ? value : throw ParseText.Unparsable(Kind, $"{what} has no {name}");

    private static string? Optional(Dictionary<string, string> pairs, string name) =>
        pairs.TryGetValue(name, out var value) ? value : null;

    /// <summary>Collects one interface's lines; the headerless block has no name.</summary>
    private sealed class InterfaceBuilder
    {
        internal InterfaceBuilder(string? name, string[] flags, int? mtu)
        {
            Name = name;
            Flags = flags;
            Mtu = mtu;
        }

        internal string? Name { get; }

        internal string[] Flags { get; }

        internal int? Mtu { get; }

        internal string? MacAddress { get; set; }

        internal string? Status { get; set; }

        internal VlanInfo? Vlan { get; set; }

        internal List<InterfaceAddress> Addresses { get; } = new List<InterfaceAddress>();

        internal List<CarpEntry> Carp { get; } = new List<CarpEntry>();

        internal List<VrrpEntry> Vrrp { get; } = new List<VrrpEntry>();

        internal IfconfigInterface Build() => new IfconfigInterface
        {
            Name = Name ?? "",
            Flags = Flags,
            Mtu = Mtu,
            MacAddress = MacAddress,
            Status = Status,
            Addresses = Addresses.ToList(),
            Carp = Carp.ToList(),
            Vrrp = Vrrp.ToList(),
            Vlan = Vlan,
        };

        internal IEnumerable<CarpVip> Vips() => Carp.Select(c => new CarpVip
        {
            Interface = Name,
            Vhid = c.Vhid,
            State = c.State,
            AdvBase = c.AdvBase,
            AdvSkew = c.AdvSkew,
            Addresses = Addresses.Where(a => a.Vhid == c.Vhid).ToList(),
        });
    }
}
