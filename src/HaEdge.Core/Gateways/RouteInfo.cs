using System;
using System.Collections.Generic;

namespace HaEdge.Core.Gateways;

/// <summary>What FreeBSD <c>route -n get &lt;destination&gt;</c> printed.</summary>
public sealed record RouteInfo
{
    public string? Destination { get; init; }

    /// <summary>Null for a directly connected route.</summary>
    public string? Gateway { get; init; }

    public string Interface { get; init; } = "";

    public IReadOnlyList<string> Flags { get; init; } = Array.Empty<string>();
}
