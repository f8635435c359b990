using System;
using System.Collections.Generic;

namespace HaEdge.Core.Proxmox;

internal enum NetworkInterfaceType
{
    Unknown,
    Eth,
    Bridge,
    Bond,
    Vlan,
    Alias,
    OVSBridge,
    OVSBond,
    OVSPort,
    OVSIntPort,
    Vnet,
    Fabric,
}

/// <summary>One interface of GET /nodes/{node}/network (from the node's /etc/network/interfaces).</summary>
internal sealed record NodeNetworkInterface
{
    public string Name { get; init; } = "";

    public NetworkInterfaceType Type { get; init; }

    /// <summary>The type exactly as PVE names it (kept for types this enum does not know).</summary>
    public string TypeName { get; init; } = "";

    public bool Active { get; init; }

    public bool Autostart { get; init; }

    /// <summary>The kernel device exists; null when PVE does not say (VLANs on bridges).</summary>
    public bool? Exists { get; init; }

    /// <summary>Ports of a Linux bridge; an empty list means a bridge without uplink.</summary>
    public IReadOnlyList<string> BridgePorts { get; init; } = Array.Empty<string>();

    public bool BridgeVlanAware { get; init; }

    /// <summary>VLANs a VLAN-aware bridge carries, as configured; empty when not written in the config.</summary>
    public IReadOnlyList<VlanRange> BridgeVids { get; init; } = Array.Empty<VlanRange>();

    public IReadOnlyList<string> OvsPorts { get; init; } = Array.Empty<string>();

    /// <summary>The OVS bridge an OVS port/bond belongs to.</summary>
    public string? OvsBridge { get; init; }

    public int? OvsTag { get; init; }

    /// <summary>Members of a bond.</summary>
    public IReadOnlyList<string> Slaves { get; init; } = Array.Empty<string>();

    public string? BondMode { get; init; }

    /// <summary>Parent device of a VLAN interface (<c>vlan-raw-device</c>).</summary>
    public string? VlanRawDevice { get; init; }

    public int? VlanId { get; init; }

    public int? Mtu { get; init; }

    public string? Cidr { get; init; }

    public string? Address { get; init; }

    public string? Netmask { get; init; }

    public string? Gateway { get; init; }

    public string? Cidr6 { get; init; }

    public string? Gateway6 { get; init; }

    /// <summary>IPv4 method: static, manual, dhcp.</summary>
    public string? Method { get; init; }

    public string? Method6 { get; init; }

    public string? Comments { get; init; }

    /// <summary>Extra lines PVE keeps for the interface (<c>options</c>), e.g. "metric 200".</summary>
    public IReadOnlyList<string> Options { get; init; } = Array.Empty<string>();

    /// <summary>Every other scalar field as text (bridge_stp, bridge_fd, priority, ...).</summary>
    public IReadOnlyDictionary<string, string> OtherFields { get; init; } = new Dictionary<string, string>();
}
