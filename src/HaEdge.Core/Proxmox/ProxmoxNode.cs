namespace HaEdge.Core.Proxmox;

/// <summary>One entry of GET /nodes.</summary>
internal sealed record ProxmoxNode
{
    public string Name { get; init; } = "";

    /// <summary>online, offline or unknown, as PVE says.</summary>
    public string Status { get; init; } = "unknown";

    public bool Online => Status == "online";

    /// <summary>SHA-256 of the node's TLS certificate, hex with colons (what a pin compares against).</summary>
    public string? SslFingerprint { get; init; }

    /// <summary>CPU load as a fraction of all cores (0.0-1.0).</summary>
    public double? Cpu { get; init; }

    public int? MaxCpu { get; init; }

    /// <summary>Used memory in bytes.</summary>
    public long? Memory { get; init; }

    /// <summary>Total memory in bytes.</summary>
    public long? MaxMemory { get; init; }

    /// <summary>Seconds since boot.</summary>
    public long? Uptime { get; init; }
}
