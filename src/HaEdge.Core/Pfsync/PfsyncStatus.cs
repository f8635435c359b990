namespace HaEdge.Core.Pfsync;

/// <summary>What <c>ifconfig pfsync0</c> printed, in any of the four FreeBSD/pfSense formats.</summary>
public sealed record PfsyncStatus
{
    public string Interface { get; init; } = "pfsync0";

    /// <summary>True when a sync interface is set.</summary>
    public bool Configured { get; init; }

    public string? SyncDev { get; init; }

    /// <summary>As printed: absent for the multicast default (224.0.0.240) on most releases; 0.0.0.0 means unset
    /// on FreeBSD 12/13.</summary>
    public string? SyncPeer { get; init; }

    public int? MaxUpdates { get; init; }

    public bool? Defer { get; init; }

    /// <summary>pfsync protocol version (FreeBSD 14+, e.g. 1400 or 1500).</summary>
    public int? Version { get; init; }

    /// <summary>The bulk update finished (<c>syncok: 1</c>); null where the release does not print it.</summary>
    public bool? SyncOk { get; init; }
}
