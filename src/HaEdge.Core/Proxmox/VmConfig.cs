using System;
using System.Collections.Generic;

namespace HaEdge.Core.Proxmox;

/// <summary>GET /nodes/{node}/qemu/{vmid}/config with every NIC and passthrough device parsed.</summary>
internal sealed record VmConfig
{
    public string? Name { get; init; }

    /// <summary>Config digest; pass it back on a write so a concurrent change is refused instead of overwritten.</summary>
    public string? Digest { get; init; }

    public bool Template { get; init; }

    public string? Lock { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();

    public int? Cores { get; init; }

    public int? Sockets { get; init; }

    /// <summary>Memory in MiB.</summary>
    public long? Memory { get; init; }

    public string? OsType { get; init; }

    /// <summary>Every <c>netN</c>, ordered by N.</summary>
    public IReadOnlyList<NetDevice> NetDevices { get; init; } = Array.Empty<NetDevice>();

    /// <summary>Every <c>hostpciN</c>, ordered by N.</summary>
    public IReadOnlyList<PciPassthrough> PciDevices { get; init; } = Array.Empty<PciPassthrough>();

    /// <summary>Every config key except netN and hostpciN (disks, boot, smbios1, name, ...) as PVE wrote it.</summary>
    public IReadOnlyDictionary<string, string> OtherSettings { get; init; } = new Dictionary<string, string>();
}
