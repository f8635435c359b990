using System;
using System.Collections.Generic;
using HaEdge.Core.Definition;

namespace HaEdge.Core.Carp;

/// <summary>One firewall's CARP picture: its VIPs and sysctls, or why it could not be read.</summary>
internal sealed class CarpNodeReading
{
    public CarpNodeReading(string firewall, FirewallRole role, IReadOnlyList<CarpVip> vips, CarpSysctl sysctl)
    {
        Firewall = firewall;
        Role = role;
        Vips = vips;
        Sysctl = sysctl;
    }

    public CarpNodeReading(string firewall, FirewallRole role, HaEdgeException failure)
    {
        Firewall = firewall;
        Role = role;
        Failure = failure;
    }

    public string Firewall { get; }

    public FirewallRole Role { get; }

    public IReadOnlyList<CarpVip> Vips { get; } = Array.Empty<CarpVip>();

    public CarpSysctl? Sysctl { get; }

    /// <summary>Set when the firewall could not be read (then it has no VIPs).</summary>
    public HaEdgeException? Failure { get; }

    public bool Reachable => Failure == null;
}
