using System.Collections.Generic;

namespace HaEdge.Core.Carp;

/// <summary>The <c>sysctl net.inet.carp</c> values.</summary>
public sealed record CarpSysctl
{
    /// <summary><c>net.inet.carp.allow</c>: false while CARP is disabled (pfSense "temporarily disable CARP").</summary>
    public bool Allow { get; init; }

    public bool Preempt { get; init; }

    /// <summary>FreeBSD 12 and later only.</summary>
    public int? Dscp { get; init; }

    public int Log { get; init; }

    /// <summary>Added to every advskew (clamped at 240); not 0 means this node is demoted.</summary>
    public int Demotion { get; init; }

    public int SendErrorDemotionFactor { get; init; }

    public int InterfaceDownDemotionFactor { get; init; }

    /// <summary>Any other <c>net.inet.carp.*</c> line, keyed by the name after <c>net.inet.carp.</c>.</summary>
    public IReadOnlyDictionary<string, string> Other { get; init; } = new Dictionary<string, string>();
}
