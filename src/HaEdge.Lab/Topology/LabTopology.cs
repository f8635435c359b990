using System.Globalization;

namespace HaEdge.Lab.Topology;

/// <summary>
/// Builds the wiring: an inter-node switch (LAN, VLAN, fibre and Starlink segments), two Proxmox nodes with their
/// vmbrX bridges, a node-to-node sync cable, the upstream routers, the internet and the admin workstation.
/// Firewall NICs are added by <see cref="FirewallVm.Provision"/>.
/// This kernel has neither VLAN-aware bridges nor 802.1Q devices, so each VLAN gets its own bridge, the way
/// Proxmox itself maps tag=N on a non-VLAN-aware vmbr1 to a vmbr1vN bridge; the inter-node switch carries one
/// segment per VLAN instead of one tagged trunk.
/// Each namespace is configured with one `ip -batch`; a veth is created from one side with its peer placed in
/// the other namespace, and the switch enslaves its ports last.
/// </summary>
internal static class LabTopology
{
    private const string LanSwitch = "lan", FibreSwitch = "fibre", StarlinkSwitch = "slink";

    public static void Build(LabPaths paths)
    {
        Shell.IpBatch(null, LabLayout.AllNamespaces.Select(ns => $"netns add {ns}"));
        // No lab namespace speaks IPv6, so no address outside the lab's documentation ranges appears, not even
        // link-local. Set before any interface exists; all namespaces at once.
        Shell.Check("/bin/sh", "-c", string.Concat(LabLayout.AllNamespaces.Select(ns =>
            $"ip netns exec {ns} sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 & ")) + "wait");
        var switchPorts = new List<(string Port, string Bridge)>();

        Shell.IpBatch(LabLayout.SwitchNamespace, new[] { "link set lo up" }
            .Concat(new[] { LanSwitch, FibreSwitch, StarlinkSwitch }.Concat(LabLayout.TrunkVlans.Select(VlanSwitch)).SelectMany(Bridge)));

        foreach (LabNode node in LabLayout.Nodes)
        {
            var commands = new List<string> { "link set lo up" };
            commands.AddRange(LabLayout.Segments.Select(s => s.Bridge).Distinct()
                .Concat(LabLayout.TrunkVlans.Select(v => LabLayout.VlanBridge(LabLayout.Lan.Bridge, v))).SelectMany(Bridge));
            void Uplink(string nic, string bridge, string switchBridge, string switchPort)
            {
                commands.Add($"link add {nic} type veth peer name {switchPort} netns {LabLayout.SwitchNamespace}");
                commands.Add($"link set {nic} master {bridge} up");
                switchPorts.Add((switchPort, switchBridge));
            }
            Uplink("nic0", LabLayout.WanFibre.Bridge, FibreSwitch, $"fib-{node.Name}");
            Uplink("nic1", LabLayout.Lan.Bridge, LanSwitch, $"lan-{node.Name}");
            foreach (int vlan in LabLayout.TrunkVlans)
            {
                Uplink($"nic1v{vlan}", LabLayout.VlanBridge(LabLayout.Lan.Bridge, vlan), VlanSwitch(vlan), $"v{vlan}-{node.Name}");
            }
            Uplink("nic2", LabLayout.WanStarlink.Bridge, StarlinkSwitch, $"sl-{node.Name}");
            // The dedicated sync cable between the two nodes' vmbr9 (the sync-cut fault pulls it).
            if (node == LabLayout.Nodes[0])
            {
                commands.Add($"link add nic9 type veth peer name nic9 netns {LabLayout.Nodes[1].Namespace}");
            }
            commands.Add("link set nic9 master vmbr9 up");
            // The node's management address sits on its LAN bridge, as on a real Proxmox host.
            commands.Add($"addr add {node.ManagementAddress}/{LabLayout.Lan.PrefixLength} dev {LabLayout.Lan.Bridge}");
            Shell.IpBatch(node.Namespace, commands);
        }

        BuildUpstreams(switchPorts);
        BuildAdmin(switchPorts);
        Shell.IpBatch(LabLayout.SwitchNamespace, switchPorts.Select(p => $"link set {p.Port} master {p.Bridge} up"));
        StartInternetServices(paths);
    }

    private static string VlanSwitch(int vlan) => $"lanv{vlan}";

    private static IEnumerable<string> Bridge(string name) => new[]
    {
        $"link add {name} type bridge stp_state 0 mcast_snooping 0",
        $"link set {name} up",
    };

    private static void BuildUpstreams(List<(string Port, string Bridge)> switchPorts)
    {
        string inet = LabLayout.InternetNamespace;
        string sw = LabLayout.SwitchNamespace;

        // Fibre router: the WAN-Fibre gateway, routed straight to the internet.
        Shell.IpBatch(LabLayout.FibreNamespace, new[]
        {
            "link set lo up",
            $"link add wan0 type veth peer name fib-rtr netns {sw}",
            $"addr add {LabLayout.WanFibre.Gateway}/{LabLayout.WanFibre.PrefixLength} dev wan0",
            "link set wan0 up",
            $"link add up0 type veth peer name fib0 netns {inet}",
            $"addr add {LabLayout.FibreTransitRouter}/30 dev up0",
            "link set up0 up",
            $"route add default via {LabLayout.FibreTransitInternet} dev up0 onlink",
        });
        switchPorts.Add(("fib-rtr", FibreSwitch));
        Shell.CheckInNamespace(LabLayout.FibreNamespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");

        // Starlink router: CGNAT, the firewalls get 100.64.0.0/10 addresses and leave NATed behind it.
        Shell.IpBatch(LabLayout.StarlinkNamespace, new[]
        {
            "link set lo up",
            $"link add lan0 type veth peer name sl-rtr netns {sw}",
            $"addr add {LabLayout.WanStarlink.Gateway}/{LabLayout.WanStarlink.PrefixLength} dev lan0",
            "link set lan0 up",
            $"link add up0 type veth peer name sl0 netns {inet}",
            $"addr add {LabLayout.StarlinkTransitRouter}/30 dev up0",
            "link set up0 up",
            $"route add default via {LabLayout.StarlinkTransitInternet} dev up0 onlink",
        });
        switchPorts.Add(("sl-rtr", StarlinkSwitch));
        Shell.CheckInNamespace(LabLayout.StarlinkNamespace, "sh", "-c",
            "sysctl -q -w net.ipv4.ip_forward=1 && iptables -t nat -A POSTROUTING -s 100.64.0.0/10 -o up0 -j MASQUERADE");

        // The internet: targets on its loopback, a route back to the fibre WAN block.
        var commands = new List<string>
        {
            "link set lo up",
            $"addr add {LabLayout.FibreTransitInternet}/30 dev fib0",
            $"addr add {LabLayout.StarlinkTransitInternet}/30 dev sl0",
            "link set fib0 up",
            "link set sl0 up",
        };
        commands.AddRange(new[] { LabLayout.InternetTarget, LabLayout.FibreMonitorTarget, LabLayout.StarlinkMonitorTarget }
            .Select(target => $"addr add {target}/32 dev lo"));
        commands.Add($"route add {LabLayout.WanFibre.Network}/{LabLayout.WanFibre.PrefixLength} via {LabLayout.FibreTransitRouter}");
        Shell.IpBatch(inet, commands);
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

    private static void BuildAdmin(List<(string Port, string Bridge)> switchPorts)
    {
        Shell.IpBatch(LabLayout.AdminNamespace, new[]
        {
            "link set lo up",
            $"link add eth0 type veth peer name lan-admin netns {LabLayout.SwitchNamespace}",
            $"addr add {LabLayout.AdminAddress}/{LabLayout.Lan.PrefixLength} dev eth0",
            "link set eth0 up",
            $"route add default via {LabLayout.Lan.Vip} dev eth0 onlink",
        });
        switchPorts.Add(("lan-admin", LanSwitch));
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
