namespace HaEdge.Lab;

/// <summary>One network the firewalls sit on, in the netN order the VMs use (contract section 1).</summary>
/// <param name="Name">Segment name as the edge definition spells it.</param>
/// <param name="Kind">wan | lan | vlan | sync.</param>
/// <param name="Net">The netN index of the firewall NIC on this segment; the firewall's interface is vtnet{Net}.</param>
/// <param name="Bridge">The Proxmox bridge (inside each pve node namespace).</param>
/// <param name="Vlan">Access VLAN of the NIC's tap port on the bridge, when tagged.</param>
/// <param name="Vhid">CARP vhid / VRRP vrid of the VIP, null when the segment has no CARP VIP.</param>
/// <param name="Network">Network address; all segments are IPv4.</param>
/// <param name="PrefixLength">Prefix length of the segment.</param>
/// <param name="Vip">The CARP VIP, or null.</param>
/// <param name="FirewallAddresses">fw1's and fw2's own address.</param>
/// <param name="Gateway">The upstream gateway on a WAN segment.</param>
/// <param name="Description">The pfSense interface description (ifconfig "description:").</param>
internal sealed record LabSegment(
    string Name, string Kind, int Net, string Bridge, int? Vlan, int? Vhid, string Network, int PrefixLength,
    string? Vip, string[] FirewallAddresses, string? Gateway, string Description)
{
    public string Interface => $"vtnet{Net}";
    /// <summary>keepalived's use_vmac macvlan holding the VIP with the virtual MAC 00:00:5e:00:01:{vhid}, as CARP's.</summary>
    public string? VipInterface => Vhid is int vhid ? $"carp{vhid}" : null;
}

/// <summary>A simulated Proxmox node: a namespace holding its bridges and a management address on the LAN.</summary>
internal sealed record LabNode(string Name, string Namespace, string ManagementAddress);

/// <summary>A firewall VM: its namespace, PVE identity and CARP base skew (pfSense advskew).</summary>
internal sealed record LabFirewall(int Index, string Name, int VmId, string Node, string Namespace, string Role, int AdvSkew, string HostId)
{
    public string Address(LabSegment segment) => segment.FirewallAddresses[Index];

    /// <summary>Proxmox's MAC OUI BC:24:11, then the vmid and the NIC index, so every NIC is recognisable.</summary>
    public string Mac(int net) => $"bc:24:11:{VmId & 0xff:x2}:00:{net:x2}";

    /// <summary>Proxmox names a VM's NIC tap device tap{vmid}i{N}.</summary>
    public string Tap(int net) => $"tap{VmId}i{net}";
}

/// <summary>
/// Every name and address of the lab in one place. Addresses come only from the documentation ranges and
/// 100.64.0.0/10 (CGNAT). Host-visible names (namespaces) carry <see cref="Prefix"/>; names inside the lab's
/// namespaces copy the real systems (vtnet0, vmbr1, tap101i1) so the shims and the PVE simulator can show them.
/// </summary>
internal static class LabLayout
{
    /// <summary>
    /// The lab instance: HAEDGE_LAB_PREFIX (two or three lower-case letters and a dash; default <c>hel-</c>) names
    /// its namespaces and host links, HAEDGE_LAB_STATE_DIR (default /run/haedge-lab) holds its state. Another
    /// instance, with both set otherwise, runs beside the default one: everything a lab makes is inside its own
    /// namespaces or state dir, so the same address plan serves both.
    /// </summary>
    public static readonly string Prefix = InstancePrefix(Environment.GetEnvironmentVariable("HAEDGE_LAB_PREFIX"));

    public static readonly string DefaultStateDir = Environment.GetEnvironmentVariable("HAEDGE_LAB_STATE_DIR") is { Length: > 0 } dir ? dir : "/run/haedge-lab";

    public static readonly string SwitchNamespace = Prefix + "sw";
    public static readonly string AdminNamespace = Prefix + "admin";
    public static readonly string FibreNamespace = Prefix + "fibre";
    public static readonly string StarlinkNamespace = Prefix + "slink";
    public static readonly string InternetNamespace = Prefix + "inet";

    /// <summary>Short, so the longest host link name (prefix, firewall, net) stays within Linux's 15 characters.</summary>
    private static string InstancePrefix(string? value) =>
        string.IsNullOrEmpty(value) ? "hel-"
        : System.Text.RegularExpressions.Regex.IsMatch(value, "^[a-z]{2,3}-$") ? value
        : throw new LabException($"HAEDGE_LAB_PREFIX '{value}' is not two or three lower-case letters and a dash (e.g. hew-)");

    public const string AdminAddress = "192.0.2.100";
    public const string InternetTarget = "203.0.113.10";
    /// <summary>Each gateway is monitored through its own target with a host route, as pfSense's dpinger does.</summary>
    public const string FibreMonitorTarget = "203.0.113.20";
    public const string StarlinkMonitorTarget = "203.0.113.21";
    public const string FibreGatewayName = "FIBRE_GW";
    public const string StarlinkGatewayName = "STARLINK_GW";
    public const string GatewayGroupName = "WAN_FAILOVER";

    /// <summary>Transit links between the upstream routers and the "internet".</summary>
    public const string FibreTransitRouter = "203.0.113.249", FibreTransitInternet = "203.0.113.250";
    public const string StarlinkTransitRouter = "203.0.113.253", StarlinkTransitInternet = "203.0.113.254";

    public const int TcpEchoPort = 7;
    public const int DownloadPort = 8080;
    public const int ConntrackdPort = 3780;

    public static readonly LabSegment WanFibre = new("WAN-Fibre", "wan", 0, "vmbr0", null, 10, "198.51.100.0", 26,
        "198.51.100.10", new[] { "198.51.100.11", "198.51.100.12" }, "198.51.100.1", "WAN");
    public static readonly LabSegment Lan = new("LAN", "lan", 1, "vmbr1", null, 1, "192.0.2.0", 25,
        "192.0.2.1", new[] { "192.0.2.2", "192.0.2.3" }, null, "LAN");
    public static readonly LabSegment Vlan20 = new("VLAN20", "vlan", 2, "vmbr1", 20, 20, "192.0.2.128", 26,
        "192.0.2.129", new[] { "192.0.2.130", "192.0.2.131" }, null, "VLAN20");
    public static readonly LabSegment WanStarlink = new("WAN-Starlink", "wan", 3, "vmbr2", null, null, "100.64.0.0", 24,
        null, new[] { "100.64.0.11", "100.64.0.12" }, "100.64.0.1", "STARLINK");
    public static readonly LabSegment Sync = new("SYNC", "sync", 4, "vmbr9", null, null, "198.51.100.128", 29,
        null, new[] { "198.51.100.129", "198.51.100.130" }, null, "SYNC");

    public static readonly IReadOnlyList<LabSegment> Segments = new[] { WanFibre, Lan, Vlan20, WanStarlink, Sync };
    public static IEnumerable<LabSegment> CarpSegments => Segments.Where(s => s.Vhid is not null);

    public static readonly IReadOnlyList<LabNode> Nodes = new[]
    {
        new LabNode("pve1", Prefix + "pve1", "192.0.2.31"),
        new LabNode("pve2", Prefix + "pve2", "192.0.2.32"),
    };

    public static readonly IReadOnlyList<LabFirewall> Firewalls = new[]
    {
        new LabFirewall(0, "fw1", 101, "pve1", Prefix + "fw1", "primary", 0, "1a5e0101"),
        new LabFirewall(1, "fw2", 102, "pve2", Prefix + "fw2", "secondary", 100, "1a5e0102"),
    };

    /// <summary>The VLANs the nodes carry besides the untagged LAN (20, plus 21 for the asymmetry fault).</summary>
    public static readonly int[] TrunkVlans = { 20, 21 };

    /// <summary>Where a NIC with tag=N on <paramref name="bridge"/> lands: Proxmox's vmbrXvN for non-VLAN-aware bridges.</summary>
    public static string VlanBridge(string bridge, int vlan) => $"{bridge}v{vlan}";

    public static string NodeBridge(LabSegment segment) =>
        segment.Vlan is int vlan ? VlanBridge(segment.Bridge, vlan) : segment.Bridge;
    public const int AsymmetricVlan = 21;

    public static IEnumerable<string> AllNamespaces =>
        new[] { SwitchNamespace, AdminNamespace, FibreNamespace, StarlinkNamespace, InternetNamespace }
            .Concat(Nodes.Select(n => n.Namespace))
            .Concat(Firewalls.Select(f => f.Namespace));

    public static LabNode Node(string name) => Nodes.Single(n => n.Name == name);

    public static LabFirewall Firewall(string nameOrVmId) =>
        Firewalls.FirstOrDefault(f => f.Name == nameOrVmId || f.VmId.ToString(System.Globalization.CultureInfo.InvariantCulture) == nameOrVmId)
        ?? throw new LabException($"no lab firewall '{nameOrVmId}' (use fw1, fw2, 101 or 102)");

    public static LabFirewall Peer(LabFirewall firewall) => Firewalls[1 - firewall.Index];

    public static LabSegment SegmentByNet(int net) =>
        Segments.FirstOrDefault(s => s.Net == net) ?? throw new LabException($"no NIC net{net} (the firewalls have net0..net{Segments.Count - 1})");

    /// <summary>Priority of a VRRP instance from pfSense's advskew: lower skew wins in CARP, higher priority in VRRP;
    /// the effective skew is clamped at 240 as FreeBSD's DEMOTE_ADVSKEW does.</summary>
    public static int VrrpPriority(int advSkew) => 250 - Math.Min(advSkew, 240);
}
