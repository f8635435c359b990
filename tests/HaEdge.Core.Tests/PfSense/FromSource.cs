namespace HaEdge.Core.Tests.PfSense;

/// <summary>
/// Outputs built from the upstream format strings quoted in tests/fixtures/real/*/FORMAT-from-source.md, for the
/// formats no captured sample covers (FreeBSD 14+ CARP peer line, VRRP, VLAN blocks, configured pfsync, gateway JSON,
/// pfctl -sc, route get). Addresses are documentation ranges. Not captured output.
/// </summary>
internal static class FromSource
{
    // ifcarp.c (FreeBSD 14): "\tcarp: %s vhid %d advbase %d advskew %d" [+ " key \"%s\""] then "\t      peer %s peer6 %s";
    // FreeBSD 15 "\tvrrp: %s vrid %d prio %d interval %d"; vhid 1 and 10 on one interface to catch prefix matching.
    public const string IfconfigFreeBsd14 =
        "vtnet1: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n" +
        "\toptions=800a8<VLAN_MTU,JUMBO_MTU,VLAN_HWCSUM,LINKSTATE>\n" +
        "\tether bc:24:11:00:00:01\n" +
        "\tinet 192.0.2.2 netmask 0xffffff00 broadcast 192.0.2.255\n" +
        "\tinet 192.0.2.1 netmask 0xffffff00 broadcast 192.0.2.255 vhid 10\n" +
        "\tinet 192.0.2.11 netmask 0xffffffff broadcast 192.0.2.11 vhid 1\n" +
        "\tinet6 fe80::be24:11ff:fe00:1%vtnet1 prefixlen 64 scopeid 0x2\n" +
        "\tinet6 2001:db8::1 prefixlen 64 vhid 10\n" +
        "\tcarp: BACKUP vhid 10 advbase 1 advskew 100\n" +
        "\t      peer 224.0.0.18 peer6 ff02::12\n" +
        "\tcarp: INIT vhid 1 advbase 2 advskew 0 key \"s3cret\"\n" +
        "\t      peer 198.51.100.2 peer6 2001:db8::2\n" +
        "\tvrrp: MASTER vrid 5 prio 100 interval 100\n" +
        "\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n" +
        "\tstatus: no carrier\n" +
        "\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>\n" +
        "vtnet1.210: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n" +
        "\tether bc:24:11:00:00:01\n" +
        "\tinet 10.21.0.2 netmask 0xffffff00 broadcast 10.21.0.255\n" +
        "\tinet 10.21.0.1 netmask 0xffffff00 broadcast 10.21.0.255 vhid 21\n" +
        "\tcarp: MASTER vhid 21 advbase 1 advskew 0\n" +
        "\t      peer 224.0.0.18 peer6 ff02::12\n" +
        "\tgroups: vlan\n" +
        "\tvlan: 210 vlanproto: 802.1q vlanpcp: 0 parent interface: vtnet1\n" +
        "\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n" +
        "\tstatus: active\n";

    // ip_carp.c SYSCTLs with pfSense's overrides (globals.inc, interfaces.inc): senderr 0, preempt 1, dscp 56.
    public const string CarpSysctlPfSense =
        "net.inet.carp.ifdown_demotion_factor: 240\n" +
        "net.inet.carp.senderr_demotion_factor: 0\n" +
        "net.inet.carp.demotion: 240\n" +
        "net.inet.carp.log: 1\n" +
        "net.inet.carp.preempt: 1\n" +
        "net.inet.carp.dscp: 56\n" +
        "net.inet.carp.allow: 0\n";

    // pfctl.c pfctl_show_creators(): "Creator IDs:" then "%08x" per id.
    public const string PfctlCreators = "Creator IDs:\n68d01842\n0a1b2c3d\n";

    // ifpfsync.c era B (FreeBSD 10.4): "\tpfsync: syncdev: %s syncpeer: %s maxupd: %d defer: %s".
    public const string PfsyncFreeBsd10 =
        "pfsync0: flags=41<UP,RUNNING> metric 0 mtu 1500\n" +
        "\tpfsync: syncdev: em1 syncpeer: 10.0.0.2 maxupd: 128 defer: off\n";

    // ifpfsync.c era D (FreeBSD 14/15) inside a whole ifconfig listing, as the status bundle has it.
    public const string PfsyncFreeBsd14InIfconfig =
        "vtnet2: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n" +
        "\tether bc:24:11:00:00:03\n" +
        "\tinet 198.51.100.1 netmask 0xfffffffc broadcast 198.51.100.3\n" +
        "pfsync0: flags=1000041<UP,RUNNING,LOWER_UP> metric 0 mtu 1500\n" +
        "\tsyncdev: vtnet2 syncpeer: 198.51.100.2 maxupd: 128 defer: off version: 1400\n" +
        "\tsyncok: 1\n" +
        "\tgroups: pfsync\n" +
        "pflog0: flags=100<PROMISC> metric 0 mtu 33152\n" +
        "\tgroups: pflog\n";

    // gwlb.inc return_gateways_status(true) at HEAD: delay/stddev "round(x,3)ms", loss "round(x,1)%", status online|down
    // plus substatus; an unmonitored gateway has empty delay/loss, monitor_disable true and no stddev.
    public const string GatewayJsonCurrent =
        "{\"WAN_DHCP\":{\"monitorip\":\"1.1.1.1\",\"srcip\":\"192.0.2.10\",\"name\":\"WAN_DHCP\",\"delay\":\"13.707ms\"," +
        "\"stddev\":\"4.021ms\",\"loss\":\"0.0%\",\"status\":\"online\",\"substatus\":\"none\"}," +
        "\"WAN2_DHCP\":{\"monitorip\":\"8.8.8.8\",\"srcip\":\"198.51.100.7\",\"name\":\"WAN2_DHCP\",\"delay\":\"0ms\"," +
        "\"stddev\":\"0ms\",\"loss\":\"100%\",\"status\":\"down\",\"substatus\":\"highloss\"}," +
        "\"WAN3_DHCP\":{\"monitorip\":\"9.9.9.9\",\"srcip\":\"203.0.113.5\",\"name\":\"WAN3_DHCP\",\"delay\":\"250.5ms\"," +
        "\"stddev\":\"30.2ms\",\"loss\":\"0.0%\",\"status\":\"online\",\"substatus\":\"delay\"}," +
        "\"LAN_DHCP\":{\"monitorip\":\"none\",\"srcip\":null,\"name\":\"LAN_DHCP\",\"delay\":\"\",\"loss\":\"\"," +
        "\"status\":\"online\",\"substatus\":\"none\",\"monitor_disable\":true}}";

    // gwlb.inc v2.3.5 return_gateways_status(true): no substatus, the alarm kind is the status ("none" = healthy).
    public const string GatewayJsonPfSense23 =
        "{\"WAN_DHCP\":{\"monitorip\":\"8.8.8.8\",\"srcip\":\"192.0.2.10\",\"name\":\"WAN_DHCP\",\"delay\":\"1.234ms\"," +
        "\"stddev\":\"0.456ms\",\"loss\":\"0.0%\",\"status\":\"none\"}," +
        "\"OPT1_GW\":{\"monitorip\":\"203.0.113.1\",\"srcip\":\"203.0.113.2\",\"name\":\"OPT1_GW\",\"delay\":\"250.1ms\"," +
        "\"stddev\":\"20.3ms\",\"loss\":\"12%\",\"status\":\"loss\"}," +
        "\"LAN_GW\":{\"monitorip\":\"192.0.2.1\",\"srcip\":\"192.0.2.1\",\"name\":\"LAN_GW\",\"delay\":\"\",\"loss\":\"\"," +
        "\"status\":\"none\",\"monitor_disable\":true}}";

    // gwlb.inc v2.4.5 return_gateways_status_text(): no Substatus column.
    public const string GatewayTablePfSense24 =
        "Name      Monitor      Source         Delay   StdDev  Loss  Status  \n" +
        "WAN_DHCP  8.8.8.8      192.0.2.10   1.234ms  0.456ms  0.0%    none  \n" +
        "OPT1_GW   203.0.113.1  203.0.113.2  250.1ms   20.3ms   12%    loss  \n";

    // pfSsh.php playback gatewaystatus brief: Name and Status only.
    public const string GatewayTableBrief =
        "Name       Status  \n" +
        "WAN_DHCP6    down  \n" +
        "WAN_DHCP   online  \n";

    // The gateway_group of the pfsensible fixture (pfsense-config-xml/pfsensible-gateway-fixture-18.9-gateways.xml.txt)
    // as json_encode(config_get_path(...)) renders it, plus a one-item group (item is then a plain string) and a
    // "Never" (tier 0) member.
    public const string GatewayGroupsJson =
        "[{\"name\":\"GWGroup\",\"item\":[\"OPT3_VTIV4|1|address\",\"GW_LAN|2|address\"],\"trigger\":\"down\",\"descr\":\"Failover group\"}," +
        "{\"name\":\"Single\",\"item\":\"WAN_DHCP|1|_vip5f1a2b3c4d5e6\",\"trigger\":\"downloss\",\"descr\":\"\"}," +
        "{\"name\":\"WithNever\",\"item\":[\"WAN_DHCP|1|address\",\"WAN2_DHCP|0|address\"],\"trigger\":\"downlosslatency\"}]";

    // FreeBSD 14 sbin/route/route_netlink.c print_getmsg() (route.c before it prints the same labels): "   route to: %s", "destination: %s", "       mask: %s", "    gateway: %s", "        fib: %u",
    // "  interface: %s", "      flags: <...>", then the metrics table.
    public const string RouteGetDefault =
        "   route to: default\n" +
        "destination: default\n" +
        "       mask: default\n" +
        "    gateway: 192.0.2.254\n" +
        "        fib: 0\n" +
        "  interface: vtnet0\n" +
        "      flags: <UP,GATEWAY,DONE,STATIC>\n" +
        " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire\n" +
        "       0         0         0         0      1500         1         0 \n";
}
