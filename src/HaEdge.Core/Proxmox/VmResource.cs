using System;
using System.Collections.Generic;

namespace HaEdge.Core.Proxmox;

/// <summary>A guest from GET /cluster/resources?type=vm.</summary>
internal sealed record VmResource
{
    public int VmId { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The node the guest is on right now.</summary>
    public string Node { get; init; } = "";

    /// <summary>qemu or lxc.</summary>
    public string Type { get; init; } = "qemu";

    /// <summary>running, stopped, paused, ...</summary>
    public string Status { get; init; } = "";

    /// <summary>HA state (started, stopped, error, ...) when the guest is an HA resource; null otherwise.</summary>
    public string? HaState { get; init; }

    public bool IsHaManaged => HaState != null;

    public bool Template { get; init; }

    /// <summary>Config lock (backup, migrate, ...), or null.</summary>
    public string? Lock { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();

    public int? MaxCpu { get; init; }

    /// <summary>Configured memory in bytes.</summary>
    public long? MaxMemory { get; init; }

    public long? Uptime { get; init; }
}
