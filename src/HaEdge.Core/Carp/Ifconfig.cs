using System;
using System.Collections.Generic;

namespace HaEdge.Core.Carp;

/// <summary>A CARP or VRRP state as the kernel names it (<c>CARP_STATES</c> in ip_carp.h).</summary>
public enum CarpState
{
    Init,
    Backup,
    Master,
}

public enum IpVersion
{
    IPv4,
    IPv6,
}

/// <summary>What <c>ifconfig</c> printed: every interface, and every CARP/VRRP line even without its interface.</summary>
public sealed record IfconfigOutput
{
    public IReadOnlyList<IfconfigInterface> Interfaces { get; init; } = Array.Empty<IfconfigInterface>();

    /// <summary>All <c>carp:</c> lines in print order; <see cref="CarpEntry.Interface"/> is null for
    /// lines that came without an interface header (an <c>ifconfig | grep carp</c> excerpt).</summary>
    public IReadOnlyList<CarpEntry> Carp { get; init; } = Array.Empty<CarpEntry>();

    /// <summary>All FreeBSD 15 <c>vrrp:</c> lines in print order.</summary>
    public IReadOnlyList<VrrpEntry> Vrrp { get; init; } = Array.Empty<VrrpEntry>();

    /// <summary>One entry per CARP vhid with the addresses tagged with that vhid on the same interface.</summary>
    public IReadOnlyList<CarpVip> Vips { get; init; } = Array.Empty<CarpVip>();
}

public sealed record IfconfigInterface
{
    public string Name { get; init; } = "";

    public IReadOnlyList<string> Flags { get; init; } = Array.Empty<string>();

    public int? Mtu { get; init; }

    /// <summary>The <c>ether</c> line, as printed (pasted samples may be masked).</summary>
    public string? MacAddress { get; init; }

    /// <summary>The <c>status:</c> line, for example <c>active</c> or <c>no carrier</c>.</summary>
    public string? Status { get; init; }

    public IReadOnlyList<InterfaceAddress> Addresses { get; init; } = Array.Empty<InterfaceAddress>();

    public IReadOnlyList<CarpEntry> Carp { get; init; } = Array.Empty<CarpEntry>();

    public IReadOnlyList<VrrpEntry> Vrrp { get; init; } = Array.Empty<VrrpEntry>();

    /// <summary>Set on VLAN interfaces (<c>vlan: N vlanproto: ... parent interface: X</c>).</summary>
    public VlanInfo? Vlan { get; init; }
}

public sealed record InterfaceAddress
{
    public IpVersion Version { get; init; }

    /// <summary>As printed; IPv6 link-local addresses keep their <c>%interface</c> scope.</summary>
    public string Address { get; init; } = "";

    /// <summary>From <c>prefixlen</c>, the hex <c>netmask</c>, or a <c>/N</c> suffix.</summary>
    public int PrefixLength { get; init; }

    /// <summary>The CARP vhid this address belongs to, if any.</summary>
    public int? Vhid { get; init; }
}

public sealed record CarpEntry
{
    /// <summary>Null when the line came without an interface header.</summary>
    public string? Interface { get; init; }

    public CarpState State { get; init; }

    public int Vhid { get; init; }

    public int AdvBase { get; init; }

    public int AdvSkew { get; init; }

    /// <summary>Only printed by <c>ifconfig -k</c> as root.</summary>
    public string? Key { get; init; }

    /// <summary>FreeBSD 14+ second line; 224.0.0.18 is the multicast default.</summary>
    public string? Peer { get; init; }

    /// <summary>FreeBSD 14+ second line; ff02::12 is the multicast default.</summary>
    public string? Peer6 { get; init; }
}

/// <summary>A FreeBSD 15 VRRPv3 line: <c>vrrp: STATE vrid N prio N interval N</c>.</summary>
public sealed record VrrpEntry
{
    public string? Interface { get; init; }

    public CarpState State { get; init; }

    public int Vrid { get; init; }

    public int Priority { get; init; }

    /// <summary>Advertisement interval in centiseconds, as printed.</summary>
    public int Interval { get; init; }
}

public sealed record VlanInfo
{
    public int Tag { get; init; }

    /// <summary>For example <c>802.1q</c>; absent on old FreeBSD.</summary>
    public string? Protocol { get; init; }

    public int? Priority { get; init; }

    public string? Parent { get; init; }
}

/// <summary>A CARP virtual IP as HaEdge reports it: one vhid on one interface with its addresses.</summary>
public sealed record CarpVip
{
    public string? Interface { get; init; }

    public int Vhid { get; init; }

    public CarpState State { get; init; }

    public int AdvBase { get; init; }

    public int AdvSkew { get; init; }

    public IReadOnlyList<InterfaceAddress> Addresses { get; init; } = Array.Empty<InterfaceAddress>();
}
