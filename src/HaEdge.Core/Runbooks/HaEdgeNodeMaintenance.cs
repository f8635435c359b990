using System;
using System.Collections.Generic;
using HaEdge.Core.Carp;
using HaEdge.Core.Inventory;

namespace HaEdge.Core.Runbooks;

public enum NodeMaintenanceAction
{
    /// <summary>Suspend-HaEdgeNode: the edge moved off the node.</summary>
    Suspend,

    /// <summary>Resume-HaEdgeNode: the edge back on the node.</summary>
    Resume,
}

/// <summary>What Suspend-HaEdgeNode or Resume-HaEdgeNode did to one Proxmox node and the firewall on it.</summary>
public sealed record HaEdgeNodeMaintenanceResult
{
    /// <summary>The Proxmox node.</summary>
    public string Node { get; init; } = "";

    public NodeMaintenanceAction Action { get; init; }

    /// <summary>The firewall the edge definition puts on the node.</summary>
    public string Firewall { get; init; } = "";

    /// <summary>The firewall that holds the VIPs while the node is suspended.</summary>
    public string Peer { get; init; } = "";

    /// <summary>Every VIP was seen where it belongs: on the peer after Suspend, back after Resume.</summary>
    public bool Verified { get; init; }

    /// <summary>Null when -HaMaintenance was not asked for; else the node's HA maintenance after the command.</summary>
    public bool? HaMaintenance { get; init; }

    /// <summary>The readiness checks were bypassed with -Force.</summary>
    public bool Forced { get; init; }

    /// <summary>From the first change to the verified end.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The CARP handover itself (Set-CarpMaintenance's result).</summary>
    public CarpMaintenanceResult? Carp { get; init; }

    /// <summary>The pair's VIPs after the change.</summary>
    public IReadOnlyList<CarpVipStatus> Vips { get; init; } = Array.Empty<CarpVipStatus>();

    /// <summary>Who is master of how many VIPs after the change, e.g. "fw2: 6 VIPs".</summary>
    public string Masters => CarpVipStatus.CountMasters(Vips);
}
