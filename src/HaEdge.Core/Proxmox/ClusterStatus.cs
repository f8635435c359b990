using System;
using System.Collections.Generic;

namespace HaEdge.Core.Proxmox;

/// <summary>GET /cluster/status: the cluster entry and one entry per member node.</summary>
internal sealed record ClusterStatus
{
    /// <summary>Cluster name; null on a standalone node.</summary>
    public string? ClusterName { get; init; }

    /// <summary>False when the cluster lost quorum: pmxcfs is read-only, HA and API writes stop.</summary>
    public bool Quorate { get; init; }

    /// <summary>False on a standalone node (no cluster entry in the answer).</summary>
    public bool IsCluster { get; init; }

    /// <summary>Member count the cluster entry reports.</summary>
    public int? NodeCount { get; init; }

    /// <summary>corosync config version.</summary>
    public int? Version { get; init; }

    public IReadOnlyList<ClusterNodeStatus> Nodes { get; init; } = Array.Empty<ClusterNodeStatus>();
}

internal sealed record ClusterNodeStatus
{
    public string Name { get; init; } = "";

    public int? NodeId { get; init; }

    public bool Online { get; init; }

    /// <summary>The node's cluster (corosync) address.</summary>
    public string? IpAddress { get; init; }

    /// <summary>The node that answered the request.</summary>
    public bool Local { get; init; }
}
