using System;
using System.Collections.Generic;
using HaEdge.Core.Definition;

namespace HaEdge.Core.Pfsync;

public enum PfsyncVerdict
{
    /// <summary>Both nodes sync to each other, the bulk update completed and both hold states of the same creators.</summary>
    InSync,

    /// <summary>Something is off; <see cref="PfsyncNodeStatus.Reasons"/> says what.</summary>
    NotInSync,
}

/// <summary>One firewall's pfsync and state table, with the verdict of the pair (the same on both rows).</summary>
public sealed record PfsyncNodeStatus
{
    /// <summary>The edge (its definition's name) the row was read from.</summary>
    public string Edge { get; init; } = "";

    public string Firewall { get; init; } = "";

    public FirewallRole Role { get; init; }

    /// <summary>False when the firewall could not be read; the other properties are then empty.</summary>
    public bool Reachable { get; init; }

    /// <summary>The interface pfsync sends on; null when pfsync is not configured.</summary>
    public string? SyncDev { get; init; }

    /// <summary>Null for the multicast default.</summary>
    public string? SyncPeer { get; init; }

    /// <summary>The bulk update completed (<c>syncok: 1</c>); null where the release does not print it.</summary>
    public bool? SyncOk { get; init; }

    public int? MaxUpdates { get; init; }

    public bool? Defer { get; init; }

    public int? Version { get; init; }

    public bool PfEnabled { get; init; }

    /// <summary><c>current entries</c> of <c>pfctl -si</c>.</summary>
    public long StateEntries { get; init; }

    private readonly IReadOnlyList<string> creatorIds = ValueList<string>.Empty;

    /// <summary>The host ids that created the states this node holds (<c>pfctl -sc</c>).</summary>
    public IReadOnlyList<string> CreatorIds { get => creatorIds; init => creatorIds = ValueList<string>.Of(value); }

    public PfsyncVerdict Verdict { get; init; }

    private readonly IReadOnlyList<string> reasons = ValueList<string>.Empty;

    public IReadOnlyList<string> Reasons { get => reasons; init => reasons = ValueList<string>.Of(value); }
}
