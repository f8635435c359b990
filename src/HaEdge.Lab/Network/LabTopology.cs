using System.Globalization;

namespace HaEdge.Lab.Network;

/// <summary>
/// Builds the wiring: an inter-node switch (LAN trunk with VLAN 20, fibre and Starlink segments), two Proxmox
/// nodes with their vmbrX bridges, a node-to-node sync cable, the upstream routers, the internet and the admin
/// workstation. Firewall NICs are added by <see cref="FirewallVm.Provision"/>.
/// This kernel has neither VLAN-aware bridges nor 802.1Q devices, so each VLAN gets its own bridge pair, the way
/// Proxmox itself maps tag=N on a non-VLAN-aware vmbr1 to a vmbr1vN bridge; the inter-node switch carries one
/// segment per VLAN instead of one tagged trunk.
/// </summary>
internal static class LabTopology
{
    private const string LanSwitch = "lan", FibreSwitch = "fibre", StarlinkSwitch = "slink";

    public static void Build(LabPaths paths)
    {
        foreach (string ns in LabLayout.AllNamespaces)
        {
            Shell.Check("ip", "netns", "add", ns);
            Shell.Ip(ns, "link", "set", "lo", "up");
            // No lab namespace speaks IPv6: nothing can leak out through autoconfiguration.
            Shell.CheckInNamespace(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        }
        BuildSwitch();
        foreach (LabNode node in LabLayout.Nodes)
        {
            BuildNode(node);
        }
        // The dedicated sync cable between the two nodes' vmbr9 (the sync-cut fault pulls it).
        Shell.Ip(LabLayout.Nodes[0].Namespace, "link", "add", "nic9", "type", "veth", "peer", "name", "nic9", "netns", LabLayout.Nodes[1].Namespace);
        foreach (LabNode node in LabLayout.Nodes)
        {
            Shell.Ip(node.Namespace, "link", "set", "nic9", "master", "vmbr9", "up");
        }
        BuildUpstreams();
        BuildAdmin();
        StartInternetServices(paths);
    }

    private static void BuildSwitch()
    {
        string sw = LabLayout.SwitchNamespace;
        foreach (string bridge in new[] { LanSwitch, FibreSwitch, StarlinkSwitch }.Concat(LabLayout.TrunkVlans.Select(VlanSwitch)))
        {
            AddBridge(sw, bridge);
        }
    }

    private static void BuildNode(LabNode node)
    {
        string ns = node.Namespace;
        foreach (string bridge in LabLayout.Segments.Select(s => s.Bridge).Distinct()
                     .Concat(LabLayout.TrunkVlans.Select(v => LabLayout.VlanBridge(LabLayout.Lan.Bridge, v))))
        {
            AddBridge(ns, bridge);
        }
        Uplink(ns, "nic0", LabLayout.WanFibre.Bridge, FibreSwitch, $"fib-{node.Name}");
        Uplink(ns, "nic1", LabLayout.Lan.Bridge, LanSwitch, $"lan-{node.Name}");
        foreach (int vlan in LabLayout.TrunkVlans)
        {
            Uplink(ns, $"nic1v{vlan}", LabLayout.VlanBridge(LabLayout.Lan.Bridge, vlan), VlanSwitch(vlan), $"v{vlan}-{node.Name}");
        }
        Uplink(ns, "nic2", LabLayout.WanStarlink.Bridge, StarlinkSwitch, $"sl-{node.Name}");
        // The node's management address sits on its LAN bridge, as on a real Proxmox host.
        Shell.Ip(ns, "addr", "add", $"{node.ManagementAddress}/{LabLayout.Lan.PrefixLength}", "dev", LabLayout.Lan.Bridge);
    }

    private static string VlanSwitch(int vlan) => $"lanv{vlan}";

    /// <summary>A veth from a node bridge to the inter-node switch.</summary>
    private static void Uplink(string nodeNs, string nic, string bridge, string switchBridge, string switchPort)
    {
        string sw = LabLayout.SwitchNamespace;
        Shell.Ip(nodeNs, "link", "add", nic, "type", "veth", "peer", "name", switchPort, "netns", sw);
        Shell.Ip(nodeNs, "link", "set", nic, "master", bridge, "up");
        Shell.Ip(sw, "link", "set", switchPort, "master", switchBridge, "up");
    }

    private static void AddBridge(string ns, string name)
    {
        Shell.Ip(ns, "link", "add", name, "type", "bridge", "stp_state", "0", "mcast_snooping", "0");
        Shell.Ip(ns, "link", "set", name, "up");
    }

    private static void BuildUpstreams()
    {
        string inet = LabLayout.InternetNamespace;
        string fibre = LabLayout.FibreNamespace;
        string starlink = LabLayout.StarlinkNamespace;
        string sw = LabLayout.SwitchNamespace;

        // Fibre router: the WAN-Fibre gateway, routed straight to the internet.
        Shell.Ip(sw, "link", "add", "fib-rtr", "type", "veth", "peer", "name", "wan0", "netns", fibre);
        Shell.Ip(sw, "link", "set", "fib-rtr", "master", FibreSwitch, "up");
        Shell.Ip(fibre, "addr", "add", $"{LabLayout.WanFibre.Gateway}/{LabLayout.WanFibre.PrefixLength}", "dev", "wan0");
        Shell.Ip(fibre, "link", "set", "wan0", "up");
        Shell.Ip(fibre, "link", "add", "up0", "type", "veth", "peer", "name", "fib0", "netns", inet);
        Shell.Ip(fibre, "addr", "add", $"{LabLayout.FibreTransitRouter}/30", "dev", "up0");
        Shell.Ip(fibre, "link", "set", "up0", "up");
        Shell.Ip(fibre, "route", "add", "default", "via", LabLayout.FibreTransitInternet);
        Shell.CheckInNamespace(fibre, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");

        // Starlink router: CGNAT, the firewalls get 100.64.0.0/10 addresses and leave NATed behind it.
        Shell.Ip(sw, "link", "add", "sl-rtr", "type", "veth", "peer", "name", "lan0", "netns", starlink);
        Shell.Ip(sw, "link", "set", "sl-rtr", "master", StarlinkSwitch, "up");
        Shell.Ip(starlink, "addr", "add", $"{LabLayout.WanStarlink.Gateway}/{LabLayout.WanStarlink.PrefixLength}", "dev", "lan0");
        Shell.Ip(starlink, "link", "set", "lan0", "up");
        Shell.Ip(starlink, "link", "add", "up0", "type", "veth", "peer", "name", "sl0", "netns", inet);
        Shell.Ip(starlink, "addr", "add", $"{LabLayout.StarlinkTransitRouter}/30", "dev", "up0");
        Shell.Ip(starlink, "link", "set", "up0", "up");
        Shell.Ip(starlink, "route", "add", "default", "via", LabLayout.StarlinkTransitInternet);
        Shell.CheckInNamespace(starlink, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        Shell.CheckInNamespace(starlink, "iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "100.64.0.0/10", "-o", "up0", "-j", "MASQUERADE");

        // The internet: targets on its loopback, routes back to the fibre WAN block.
        Shell.Ip(inet, "addr", "add", $"{LabLayout.FibreTransitInternet}/30", "dev", "fib0");
        Shell.Ip(inet, "addr", "add", $"{LabLayout.StarlinkTransitInternet}/30", "dev", "sl0");
        Shell.Ip(inet, "link", "set", "fib0", "up");
        Shell.Ip(inet, "link", "set", "sl0", "up");
        foreach (string target in new[] { LabLayout.InternetTarget, LabLayout.FibreMonitorTarget, LabLayout.StarlinkMonitorTarget })
        {
            Shell.Ip(inet, "addr", "add", $"{target}/32", "dev", "lo");
        }
        Shell.Ip(inet, "route", "add", $"{LabLayout.WanFibre.Network}/{LabLayout.WanFibre.PrefixLength}", "via", LabLayout.FibreTransitRouter);
    }

    /// <summary>The fibre upstream's own uplink: the fibre-dead fault takes it down while the WAN link stays up.</summary>
    public static void SetFibreUpstream(bool alive)
    {
        string fibre = LabLayout.FibreNamespace;
        Shell.Ip(fibre, "link", "set", "up0", alive ? "up" : "down");
        if (alive)
        {
            Shell.Ip(fibre, "route", "replace", "default", "via", LabLayout.FibreTransitInternet);
        }
    }

    private static void BuildAdmin()
    {
        string admin = LabLayout.AdminNamespace;
        Shell.Ip(LabLayout.SwitchNamespace, "link", "add", "lan-admin", "type", "veth", "peer", "name", "eth0", "netns", admin);
        Shell.Ip(LabLayout.SwitchNamespace, "link", "set", "lan-admin", "master", LanSwitch, "up");
        Shell.Ip(admin, "addr", "add", $"{LabLayout.AdminAddress}/{LabLayout.Lan.PrefixLength}", "dev", "eth0");
        Shell.Ip(admin, "link", "set", "eth0", "up");
        Shell.Ip(admin, "route", "add", "default", "via", LabLayout.Lan.Vip!);
    }

    /// <summary>Ping target (the loopback addresses), TCP echo on port 7 and a long HTTP download on 8080.</summary>
    private static void StartInternetServices(LabPaths paths)
    {
        string inet = LabLayout.InternetNamespace;
        string port(int p) => p.ToString(CultureInfo.InvariantCulture);
        Shell.StartDaemon(inet, paths.Log("inet-echo"), "socat",
            $"TCP-LISTEN:{port(LabLayout.TcpEchoPort)},bind={LabLayout.InternetTarget},fork,reuseaddr", "PIPE");
        Shell.StartDaemon(inet, paths.Log("inet-download"), "socat",
            $"TCP-LISTEN:{port(LabLayout.DownloadPort)},bind={LabLayout.InternetTarget},fork,reuseaddr",
            "EXEC:" + Path.Combine(paths.ShimLab, "http-download"));
    }
}
