using System;
using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.Carp;

/// <summary>Both firewalls' CARP readings and the per-VIP rows judged from them.</summary>
internal sealed class CarpPairReport
{
    public CarpPairReport(IReadOnlyList<CarpNodeReading> nodes)
    {
        Nodes = nodes;
        Vips = CarpPairAnalyzer.Evaluate(nodes[0], nodes[1]);
    }

    /// <summary>Primary first.</summary>
    public IReadOnlyList<CarpNodeReading> Nodes { get; }

    public IReadOnlyList<CarpVipStatus> Vips { get; }

    /// <summary>Why a firewall could not be read, one per unreadable firewall.</summary>
    public IReadOnlyList<HaEdgeException> Failures => Nodes.Where(n => !n.Reachable).Select(n => n.Failure!).ToList();

    public CarpNodeReading Node(string firewall) => Nodes.First(n => string.Equals(n.Firewall, firewall, StringComparison.OrdinalIgnoreCase));
}
