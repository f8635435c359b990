using System;

namespace HaEdge.Core.Watch;

/// <summary>What changed on the edge (or on the watch itself).</summary>
public enum HaEdgeEventKind
{
    /// <summary>The starting picture: who owns the VIPs, the default routes, pfsync, quorum.</summary>
    Started,

    /// <summary>The watch serves the metrics for Prometheus at the URL in <c>After</c>.</summary>
    Serving,

    /// <summary>A VIP's MASTER changed (<c>split</c> when both are MASTER, <c>none</c> when neither is).</summary>
    VipOwnerChanged,

    /// <summary>A VIP's pair verdict changed (Healthy, SplitBrain, NoMaster, Degraded, ...).</summary>
    VerdictChanged,

    MaintenanceEntered,
    MaintenanceLeft,

    /// <summary>net.inet.carp.demotion changed on a firewall.</summary>
    DemotionChanged,

    /// <summary>A gateway's status changed (online, down, ...).</summary>
    GatewayStatusChanged,

    /// <summary>A gateway's packet loss crossed the loss threshold, up or down.</summary>
    GatewayLossChanged,

    /// <summary>A gateway's delay crossed the delay threshold, up or down.</summary>
    GatewayDelayChanged,

    /// <summary>A firewall's default route moved to another gateway (another WAN).</summary>
    DefaultRouteMoved,

    /// <summary>A firewall's pfsync health (sync interface and bulk update) or the pair's pfsync verdict changed.</summary>
    PfsyncChanged,

    /// <summary>A firewall's pf state count jumped (to four times or a quarter, and by at least 100 states).</summary>
    StateCountJumped,

    /// <summary>Config drift between the two firewalls appeared or cleared.</summary>
    ConfigDriftChanged,

    /// <summary>A Proxmox node went offline or came back.</summary>
    ProxmoxNodeChanged,

    /// <summary>The Proxmox cluster lost or regained quorum.</summary>
    QuorumChanged,

    /// <summary>A firewall VM's status or node changed.</summary>
    VmChanged,

    /// <summary>A firewall stopped answering; the watch goes on.</summary>
    FirewallUnreachable,

    /// <summary>A firewall answers again.</summary>
    FirewallReachable,

    /// <summary>The Proxmox API stopped answering; the watch goes on.</summary>
    ProxmoxUnreachable,

    /// <summary>The Proxmox API answers again.</summary>
    ProxmoxReachable,
}

/// <summary>One change Watch-HaEdge saw, with when it saw it and the values before and after.</summary>
public sealed record HaEdgeEvent
{
    /// <summary>When the reading that showed the change ended.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The edge's name (its definition's name).</summary>
    public string Edge { get; init; } = "";

    public HaEdgeEventKind Kind { get; init; }

    /// <summary>The firewall the change is about; null for the pair, the cluster or the watch.</summary>
    public string? Firewall { get; init; }

    /// <summary>What changed: a VIP (<c>vhid 1 on vtnet1</c>), a gateway, a Proxmox node, a VM, or the edge.</summary>
    public string Target { get; init; } = "";

    public string? Before { get; init; }

    public string? After { get; init; }

    /// <summary>One sentence saying what happened.</summary>
    public string Message { get; init; } = "";

    public override string ToString() => $"{Time:HH:mm:ss.fff} {Edge} {Kind} {Target}: {Message}";
}
