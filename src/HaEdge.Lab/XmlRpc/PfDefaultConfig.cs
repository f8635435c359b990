using System.Globalization;
using System.Xml.Linq;

namespace HaEdge.Lab.XmlRpc;

/// <summary>
/// The lab's starting config.xml for fw1 (primary) and fw2 (secondary): pfSense's factory layout (conf.default,
/// version 23.2) grown into an HA pair as contract.md describes it. Interfaces: wan = WAN fibre (vtnet0), lan
/// (vtnet1), opt1 = VLAN20 (vtnet1.20), opt2 = WAN Starlink (vtnet3, DHCP), opt3 = SYNC (vtnet4).
/// Addresses are the lab's defaults; the sync addresses can be given on the command line.
/// </summary>
internal static class PfDefaultConfig
{
    /// <summary>The config version the lab's "pfSense 2.7.2" runs; host_firmware_version reports the file's own.</summary>
    public const string ConfigVersion = "23.3";

    public static XElement Create(int node, string syncIp, string peerSyncIp, string peerPassword, int webguiPort)
    {
        bool primary = node == 1;
        string advskew = primary ? "0" : "100";
        string host = (1 + node).ToString(CultureInfo.InvariantCulture); // fw1 .2, fw2 .3
        // Fixed uniqids keep both nodes' VIPs (and the gateway group's VIP reference) identical, as a synced pair has them.
        const string wanVip = "65a1f0c0a0001";

        return E("pfsense",
            L("version", ConfigVersion),
            L("lastchange", ""),
            E("system",
                L("optimization", "normal"), L("hostname", $"fw{node}"), L("domain", "lab.haedge.arpa"),
                L("dnsserver", ""), L("dnsallowoverride", ""),
                E("group", L("name", "all"), L("description", "All Users"), L("scope", "system"), L("gid", "1998"), L("member", "0")),
                E("group", L("name", "admins"), L("description", "System Administrators"), L("scope", "system"), L("gid", "1999"),
                    L("member", "0"), L("priv", "page-all")),
                E("user", L("name", "admin"), PfConfig.Leaf("descr", "System Administrator"), L("scope", "system"),
                    L("groupname", "admins"), L("uid", "0"), L("priv", "user-shell-access")),
                E("user", L("name", "hasync"), PfConfig.Leaf("descr", "HA XMLRPC sync"), L("scope", "user"),
                    L("uid", "2000"), L("priv", "system-xmlrpc-ha-sync")),
                L("nextuid", "2001"), L("nextgid", "2000"),
                L("timeservers", "2.pfsense.pool.ntp.org"),
                E("webgui", L("protocol", "https"), L("port", webguiPort.ToString(CultureInfo.InvariantCulture)), L("loginautocomplete", "")),
                L("disablenatreflection", "yes"),
                L("maximumtableentries", "400000")),
            E("interfaces",
                Interface("wan", "WAN", "vtnet0", $"198.51.100.{65 + node}", "26", "WAN_FIBRE"),
                Interface("lan", "LAN", "vtnet1", $"192.0.2.{host}", "24", null),
                Interface("opt1", "VLAN20", "vtnet1.20", $"198.51.100.{host}", "26", null),
                E("opt2", PfConfig.Leaf("descr", "STARLINK"), L("if", "vtnet3"), L("enable", ""), L("ipaddr", "dhcp"), L("blockbogons", "")),
                Interface("opt3", "SYNC", "vtnet4", syncIp, "30", null)),
            E("vlans", E("vlan", L("if", "vtnet1"), L("tag", "20"), L("pcp", ""), PfConfig.Leaf("descr", "VLAN20"), L("vlanif", "vtnet1.20"))),
            L("staticroutes", ""),
            E("dhcpd", E("lan", L("enable", ""), E("range", L("from", "192.0.2.100"), L("to", "192.0.2.199")))),
            E("nat",
                E("outbound",
                    L("mode", "hybrid"),
                    OutboundRule("192.0.2.0/24", "LAN to WAN fibre VIP", "1700000001"),
                    OutboundRule("198.51.100.0/26", "VLAN20 to WAN fibre VIP", "1700000002")),
                L("separator", "")),
            E("filter",
                Rule("lan", "lan", "Default allow LAN to any rule", "0100000101", null),
                Rule("opt1", "opt1", "Allow VLAN20 to any", "1700000101", null),
                Rule("opt3", "opt3", "Allow pfsync and XMLRPC on SYNC", "1700000102", null),
                Rule("wan", null, "Allow CARP on WAN", "1700000103", "carp"),
                L("separator", "")),
            E("aliases",
                E("alias", L("name", "LAN_NETS"), L("type", "network"), L("address", "192.0.2.0/24 198.51.100.0/26"),
                    PfConfig.Leaf("descr", "Inside networks"), PfConfig.Leaf("detail", "LAN||VLAN20")),
                E("alias", L("name", "ADMIN_HOSTS"), L("type", "host"), L("address", "192.0.2.10"),
                    PfConfig.Leaf("descr", "Admin workstations"), PfConfig.Leaf("detail", "lab admin workstation"))),
            E("virtualip",
                Vip("wan", "1", advskew, "198.51.100.68", "26", wanVip, "WAN fibre CARP"),
                Vip("lan", "2", advskew, "192.0.2.1", "24", "65a1f0c0a0002", "LAN CARP"),
                Vip("opt1", "3", advskew, "198.51.100.1", "26", "65a1f0c0a0003", "VLAN20 CARP")),
            E("gateways",
                E("gateway_item", L("interface", "wan"), L("gateway", "198.51.100.65"), L("name", "WAN_FIBRE"), L("weight", "1"),
                    L("ipprotocol", "inet"), L("monitor", "203.0.113.10"), PfConfig.Leaf("descr", "Fibre upstream")),
                E("gateway_item", L("interface", "opt2"), L("gateway", "dynamic"), L("name", "WAN_STARLINK"), L("weight", "1"),
                    L("ipprotocol", "inet"), L("monitor", "203.0.113.10"), PfConfig.Leaf("descr", "Starlink upstream (CGNAT)")),
                E("gateway_group", L("name", "WANGROUP"), L("item", $"WAN_FIBRE|1|_vip{wanVip}"), L("item", "WAN_STARLINK|2|address"),
                    L("trigger", "down"), PfConfig.Leaf("descr", "Fibre first, Starlink on failure")),
                L("defaultgw4", "WANGROUP")),
            HaSync(primary, peerSyncIp, peerPassword),
            E("unbound", L("enable", ""), L("dnssec", ""), L("active_interface", ""), L("outgoing_interface", "")),
            L("shaper", ""), L("ipsec", ""), L("openvpn", ""), L("dnshaper", ""), L("wol", ""));
    }

    private static XElement HaSync(bool primary, string peerSyncIp, string peerPassword)
    {
        var hasync = E("hasync",
            L("pfsyncenabled", "on"),
            L("pfsyncinterface", "opt3"),
            L("pfsyncpeerip", peerSyncIp),
            L("synchronizetoip", primary ? peerSyncIp : ""),
            PfConfig.Leaf("username", primary ? "hasync" : ""),
            PfConfig.Leaf("password", primary ? peerPassword : ""));
        if (primary)
        {
            foreach (string box in new[] { "synchronizerules", "synchronizenat", "synchronizealiases", "synchronizevirtualip", "synchronizestaticroutes" })
            {
                hasync.Add(L(box, "on"));
            }
        }
        return hasync;
    }

    private static XElement Interface(string key, string descr, string nic, string ip, string bits, string? gateway) =>
        E(key, PfConfig.Leaf("descr", descr), L("if", nic), L("enable", ""), L("ipaddr", ip), L("subnet", bits),
            gateway is null ? null : L("gateway", gateway), key == "wan" ? L("blockbogons", "") : null);

    private static XElement Vip(string iface, string vhid, string advskew, string ip, string bits, string uniqid, string descr) =>
        E("vip", L("mode", "carp"), L("interface", iface), L("vhid", vhid), L("advskew", advskew), L("advbase", "1"),
            PfConfig.Leaf("password", "lab-carp-" + vhid), L("uniqid", uniqid), PfConfig.Leaf("descr", descr),
            L("type", "single"), L("subnet_bits", bits), L("subnet", ip));

    private static XElement OutboundRule(string network, string descr, string tracker) =>
        E("rule", E("source", L("network", network)), L("sourceport", ""), PfConfig.Leaf("descr", descr), L("target", "_vip65a1f0c0a0001"),
            L("interface", "wan"), L("poolopts", ""), L("ipprotocol", "inet"), E("destination", L("any", "")), L("tracker", tracker));

    private static XElement Rule(string iface, string? sourceNet, string descr, string tracker, string? protocol) =>
        E("rule", L("type", "pass"), L("ipprotocol", "inet"), PfConfig.Leaf("descr", descr), L("interface", iface),
            L("tracker", tracker), protocol is null ? null : L("protocol", protocol),
            sourceNet is null ? E("source", L("any", "")) : E("source", L("network", sourceNet)),
            E("destination", L("any", "")));

    private static XElement E(string name, params object?[] content) => new(name, content);

    private static XElement L(string name, string text) => new(name, text);
}
