using System;
using System.Collections.Generic;

namespace HaEdge.Core.Pfsync;

/// <summary>What <c>pfctl -si</c> (or <c>pfctl -v -si</c>) printed.</summary>
public sealed record PfctlInfo
{
    public bool Enabled { get; init; }

    /// <summary>Time since pf was enabled; null when pfctl printed no duration.</summary>
    public TimeSpan? Uptime { get; init; }

    /// <summary><c>None</c>, <c>Urgent</c>, <c>Misc</c> or <c>Loud</c>.</summary>
    public string? Debug { get; init; }

    /// <summary>Eight lower-case hex digits without <c>0x</c> (same form as <c>pfctl -sc</c>); only with <c>-v</c>.</summary>
    public string? HostId { get; init; }

    /// <summary>Ruleset checksum (hex, without <c>0x</c>); only with <c>-v</c>.</summary>
    public string? Checksum { get; init; }

    /// <summary><c>current entries</c> of the State Table section: the number to compare across nodes.</summary>
    public long StateEntries { get; init; }

    public PfctlCounter? StateSearches { get; init; }

    public PfctlCounter? StateInserts { get; init; }

    public PfctlCounter? StateRemovals { get; init; }

    /// <summary><c>current entries</c> of the Source Tracking Table; only with <c>-v</c>.</summary>
    public long? SourceTrackingEntries { get; init; }

    /// <summary>The <c>Counters</c> section (match, bad-offset, ...).</summary>
    public IReadOnlyList<PfctlCounter> Counters { get; init; } = Array.Empty<PfctlCounter>();
}

public sealed record PfctlCounter
{
    public string Name { get; init; } = "";

    public long Total { get; init; }

    /// <summary>Per second since pf was enabled; null in pf's first second.</summary>
    public double? RatePerSecond { get; init; }
}
