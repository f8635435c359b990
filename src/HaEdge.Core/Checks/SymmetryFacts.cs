using System;
using System.Collections.Generic;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Checks;

/// <summary>One firewall VM and the network of the node the edge definition puts it on.</summary>
internal sealed record SymmetrySide
{
    public SymmetrySide(HaEdgeVm vm, IReadOnlyList<NodeNetworkInterface> nodeNetwork)
    {
        Vm = vm;
        NodeNetwork = nodeNetwork;
    }

    public HaEdgeVm Vm { get; init; }

    /// <summary>GET /nodes/{node}/network of <see cref="HaEdgeVm.ExpectedNode"/>.</summary>
    public IReadOnlyList<NodeNetworkInterface> NodeNetwork { get; init; }
}

/// <summary>Everything <see cref="SymmetryCheck"/> compares: the segments to check and both sides.</summary>
internal sealed record SymmetryFacts
{
    public SymmetryFacts(IReadOnlyList<SegmentDefinition> segments, SymmetrySide primary, SymmetrySide secondary)
    {
        Segments = segments;
        Primary = primary;
        Secondary = secondary;
    }

    public IReadOnlyList<SegmentDefinition> Segments { get; init; }

    public SymmetrySide Primary { get; init; }

    public SymmetrySide Secondary { get; init; }

    /// <summary>Names of segments whose CARP VIPs include IPv6 (ff02::12 adverts); the edge definition does not say.</summary>
    public IReadOnlyCollection<string> Ipv6CarpSegments { get; init; } = Array.Empty<string>();
}
