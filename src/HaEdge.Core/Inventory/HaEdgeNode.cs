using System.Collections.Generic;

namespace HaEdge.Core.Inventory;

/// <summary>A Proxmox node of the edge's cluster, with the cluster's quorum.</summary>
public sealed record HaEdgeNode
{
    /// <summary>The edge (its definition's name) whose cluster the node is in.</summary>
    public string Edge { get; init; } = "";

    /// <summary>The node name; binds to -Node of later cmdlets.</summary>
    public string Node { get; init; } = "";

    public bool Online { get; init; }

    public string? IpAddress { get; init; }

    public int? NodeId { get; init; }

    public string? Cluster { get; init; }

    /// <summary>The cluster's quorum as this node's API sees it: without it HA and API writes stop.</summary>
    public bool Quorate { get; init; }

    /// <summary>How many nodes the cluster has (votes, without a QDevice).</summary>
    public int ClusterNodes { get; init; }

    private readonly IReadOnlyList<string> firewalls = ValueList<string>.Empty;

    /// <summary>The firewalls of the edge whose VMs should live on this node.</summary>
    public IReadOnlyList<string> Firewalls { get => firewalls; init => firewalls = ValueList<string>.Of(value); }
}
