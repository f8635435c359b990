using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>
/// The lab's starting config.xml for fw1 (primary) and fw2 (secondary): pfSense's factory layout (conf.default,
/// version 23.2) grown into the HA pair of <see cref="LabLayout"/>: one pfSense interface per segment (wan = WAN
/// fibre, lan, opt1 = VLAN20, opt2 = Starlink by DHCP, opt3 = SYNC; NICs vtnet{netN}), a CARP VIP per CARP segment,
/// the two gateways in a tiered group, HA sync from fw1 to fw2 with users and groups ("Synchronize admin" off). Both
/// configs are those of a correctly synced pair: each firewall has its own admin password hash, and on pfSense 2.8 a
/// Kea HA block in the shape services_dhcp.inc writes it, fw2's as rc.filter_synchronize sends fw1's (swapped, role
/// flipped) with its own local name and TLS certificate.
/// </summary>
internal static class SimPfDefaultConfig
{

    private static readonly (LabSegment Segment, string Key)[] InterfaceKeys =
    {
        (LabLayout.WanFibre, "wan"), (LabLayout.Lan, "lan"), (LabLayout.Vlan20, "opt1"), (LabLayout.WanStarlink, "opt2"), (LabLayout.Sync, "opt3"),
    };

    /// <summary>pfSense names a VIP by its uniqid; the lab derives it from the vhid, as the shims do.</summary>
    public static string VipUniqid(int vhid) => vhid.ToString("x", CultureInfo.InvariantCulture).PadLeft(13, '0');

    /// <param name="firewall">The lab firewall this config belongs to.</param>
    /// <param name="syncTarget">Where the primary syncs to (the peer's sync address; overridable for tests).</param>
    /// <param name="peerPassword">The peer's hasync password.</param>
    /// <param name="webguiPort">This firewall's webGUI (and XMLRPC) port.</param>
    /// <param name="profile">The pfSense version played: the config version, and Kea HA from 2.8.</param>
    public static XElement Create(LabFirewall firewall, string syncTarget, string peerPassword, int webguiPort, LabProfile profile)
    {
        bool primary = firewall.Role == "primary";
        string wanVip = "_vip" + VipUniqid(LabLayout.WanFibre.Vhid!.Value);
        string lanNet = $"{LabLayout.Lan.Network}/{LabLayout.Lan.PrefixLength}";
        string vlanNet = $"{LabLayout.Vlan20.Network}/{LabLayout.Vlan20.PrefixLength}";

        return E("pfsense",
            L("version", profile.ConfigVersion),
            L("lastchange", ""),
            E("system",
                L("optimization", "normal"), L("hostname", firewall.Name), L("domain", "lab.haedge.arpa"),
                L("dnsserver", ""), L("dnsallowoverride", ""),
                E("group", L("name", "all"), L("description", "All Users"), L("scope", "system"), L("gid", "1998"), L("member", "0"),
                    L("member", "2000")),
                E("group", L("name", "admins"), L("description", "System Administrators"), L("scope", "system"), L("gid", "1999"),
                    L("member", "0"), L("priv", "page-all")),
                // Each firewall's admin has its own password, which the sync leaves alone without "Synchronize admin".
                E("user", L("name", "admin"), L("descr", "System Administrator"), L("scope", "system"),
                    L("groupname", "admins"), L("bcrypt-hash", BcryptShaped("admin@" + firewall.Name)), L("uid", "0"), L("priv", "user-shell-access")),
                E("user", L("name", XmlRpcUsers.SyncUser), L("descr", "HA XMLRPC sync"), L("scope", "user"),
                    L("bcrypt-hash", BcryptShaped(XmlRpcUsers.SyncUser)), L("uid", "2000"), L("priv", XmlRpcUsers.SyncPrivilege)),
                L("nextuid", "2001"), L("nextgid", "2000"),
                L("timeservers", "2.pfsense.pool.ntp.org"),
                E("webgui", L("protocol", "https"), L("port", webguiPort.ToString(CultureInfo.InvariantCulture)), L("loginautocomplete", "")),
                L("disablenatreflection", "yes"),
                L("maximumtableentries", "400000")),
            E("interfaces", InterfaceKeys.Select(i => Interface(firewall, i.Segment, i.Key))),
            E("vlans", E("vlan", L("if", "vtnet1"), L("tag", "20"), L("pcp", ""), L("descr", "VLAN20"), L("vlanif", "vtnet1.20"))),
            L("staticroutes", ""),
            E("dhcpd", E("lan", L("enable", ""), E("range", L("from", "192.0.2.50"), L("to", "192.0.2.90")))),
            profile.KeaHaSync ? L("dhcpbackend", "kea") : null,
            profile.KeaHaSync ? Kea(firewall) : null,
            E("nat",
                E("outbound",
                    L("mode", "hybrid"),
                    OutboundRule(lanNet, wanVip, "LAN to the WAN fibre VIP", "1700000001"),
                    OutboundRule(vlanNet, wanVip, "VLAN20 to the WAN fibre VIP", "1700000002")),
                L("separator", "")),
            E("filter",
                Rule("lan", "lan", "Default allow LAN to any rule", "0100000101", null),
                Rule("opt1", "opt1", "Allow VLAN20 to any", "1700000101", null),
                Rule("opt3", "opt3", "Allow pfsync and XMLRPC on SYNC", "1700000102", null),
                Rule("wan", null, "Allow CARP on WAN", "1700000103", "carp"),
                L("separator", "")),
            E("aliases",
                E("alias", L("name", "INSIDE_NETS"), L("type", "network"), L("address", $"{lanNet} {vlanNet}"),
                    L("descr", "Inside networks"), L("detail", "LAN||VLAN20")),
                E("alias", L("name", "ADMIN_HOSTS"), L("type", "host"), L("address", LabLayout.AdminAddress),
                    L("descr", "Admin workstations"), L("detail", "lab admin workstation"))),
            E("virtualip", InterfaceKeys.Where(i => i.Segment.Vhid is not null).Select(i => Vip(i.Segment, i.Key, firewall.AdvSkew))),
            E("gateways",
                Gateway("wan", LabLayout.WanFibre.Gateway!, LabLayout.FibreGatewayName, LabLayout.FibreMonitorTarget, "Fibre upstream"),
                Gateway("opt2", "dynamic", LabLayout.StarlinkGatewayName, LabLayout.StarlinkMonitorTarget, "Starlink upstream (CGNAT)"),
                E("gateway_group", L("name", LabLayout.GatewayGroupName),
                    L("item", $"{LabLayout.FibreGatewayName}|1|{wanVip}"), L("item", $"{LabLayout.StarlinkGatewayName}|2|address"),
                    L("trigger", "down"), L("descr", "Fibre first, Starlink when the fibre is down")),
                L("defaultgw4", LabLayout.GatewayGroupName)),
            HaSync(firewall, primary ? syncTarget : "", primary ? peerPassword : "", profile),
            E("unbound", L("enable", ""), L("dnssec", ""), L("active_interface", ""), L("outgoing_interface", "")),
            L("shaper", ""), L("ipsec", ""), L("openvpn", ""), L("dnshaper", ""), L("wol", ""));
    }

    private static XElement HaSync(LabFirewall firewall, string syncTarget, string password, LabProfile profile)
    {
        LabFirewall peer = LabLayout.Firewalls.Single(f => f.Name != firewall.Name);
        var hasync = E("hasync",
            L("pfsyncenabled", "on"),
            L("pfsyncinterface", "opt3"),
            L("pfsyncpeerip", peer.Address(LabLayout.Sync)),
            L("pfhostid", firewall.HostId),
            L("synchronizetoip", syncTarget),
            L("username", syncTarget.Length > 0 ? XmlRpcUsers.SyncUser : ""),
            L("password", password));
        if (syncTarget.Length > 0)
        {
            // "Synchronize admin" (adminsync) stays off, as it is by default.
            hasync.Add(new[] { "synchronizeusers", "synchronizerules", "synchronizenat", "synchronizealiases", "synchronizevirtualip", "synchronizestaticroutes" }
                .Concat(profile.KeaHaSync ? new[] { "synchronizedhcpd" } : Array.Empty<string>())
                .Select(box => L(box, "on")));
        }
        return hasync;
    }

    /// <summary>
    /// Kea HA between the firewalls' LAN addresses (services_dhcp.inc dhcp_do_settings_post(), 6a92af1458): fw1 primary
    /// listening on 8765, fw2 standby on 8766, TLS with each firewall's own server certificate.
    /// </summary>
    private static XElement Kea(LabFirewall firewall)
    {
        LabFirewall peer = LabPair.Peer(firewall);
        string Port(LabFirewall fw) => fw.Role == "primary" ? "8765" : "8766";
        return E("kea", E("ha",
            L("enable", ""), L("role", firewall.Role == "primary" ? "primary" : "standby"), L("localname", firewall.Name),
            L("localip", firewall.Address(LabLayout.Lan)), L("localport", Port(firewall)),
            L("remotename", peer.Name), L("remoteip", peer.Address(LabLayout.Lan)), L("remoteport", Port(peer)),
            L("tls", ""), L("scertref", CertRef(firewall))));
    }

    /// <summary>A certificate refid as pfSense makes them (uniqid(): 13 hex digits), one per firewall.</summary>
    private static string CertRef(LabFirewall firewall) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("cert@" + firewall.Name))).ToLowerInvariant()[..13];

    /// <summary>
    /// A value in the shape of pfSense's bcrypt-hash ($2y$10$ and 53 characters of bcrypt's alphabet), derived from
    /// <paramref name="seed"/>. The lab logs nobody in with it: it only has to be the same or differ between firewalls.
    /// </summary>
    private static string BcryptShaped(string seed)
    {
        const string alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        byte[] bytes = SHA256.HashData(Encoding.UTF8.GetBytes(seed)).Concat(SHA256.HashData(Encoding.UTF8.GetBytes(seed + "/2"))).ToArray();
        return "$2y$10$" + new string(bytes.Take(53).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }

    private static XElement Interface(LabFirewall firewall, LabSegment segment, string key)
    {
        bool dhcp = segment == LabLayout.WanStarlink;
        var element = E(key, L("descr", segment.Description), L("if", segment.Interface), L("enable", ""),
            L("ipaddr", dhcp ? "dhcp" : firewall.Address(segment)));
        if (!dhcp)
        {
            element.Add(L("subnet", segment.PrefixLength.ToString(CultureInfo.InvariantCulture)));
        }
        if (segment == LabLayout.WanFibre)
        {
            element.Add(L("gateway", LabLayout.FibreGatewayName));
        }
        if (segment.Kind == "wan")
        {
            element.Add(L("blockbogons", ""));
        }
        return element;
    }

    private static XElement Vip(LabSegment segment, string key, int advskew) =>
        E("vip", L("mode", "carp"), L("interface", key), L("vhid", segment.Vhid!.Value.ToString(CultureInfo.InvariantCulture)),
            L("advskew", advskew.ToString(CultureInfo.InvariantCulture)), L("advbase", "1"),
            L("password", $"lab-carp-{segment.Vhid}"), L("uniqid", VipUniqid(segment.Vhid.Value)), L("descr", $"{segment.Name} CARP"),
            L("type", "single"), L("subnet_bits", segment.PrefixLength.ToString(CultureInfo.InvariantCulture)), L("subnet", segment.Vip!));

    private static XElement Gateway(string iface, string gateway, string name, string monitor, string descr) =>
        E("gateway_item", L("interface", iface), L("gateway", gateway), L("name", name), L("weight", "1"),
            L("ipprotocol", "inet"), L("monitor", monitor), L("descr", descr));

    private static XElement OutboundRule(string network, string target, string descr, string tracker) =>
        E("rule", E("source", L("network", network)), L("sourceport", ""), L("descr", descr), L("target", target),
            L("interface", "wan"), L("poolopts", ""), L("ipprotocol", "inet"), E("destination", L("any", "")), L("tracker", tracker));

    private static XElement Rule(string iface, string? sourceNet, string descr, string tracker, string? protocol) =>
        E("rule", L("type", "pass"), L("ipprotocol", "inet"), L("descr", descr), L("interface", iface),
            L("tracker", tracker), protocol is null ? null : L("protocol", protocol),
            sourceNet is null ? E("source", L("any", "")) : E("source", L("network", sourceNet)),
            E("destination", L("any", "")));

    private static XElement E(string name, params object?[] content) => new(name, content);

    // SimPfConfig.Serialize applies pfSense's CDATA rule to every leaf, so plain text is enough here.
    private static XElement L(string name, string text) => new(name, text);
}
