namespace HaEdge.Core.Proxmox;

/// <summary>GET /nodes/{node}/qemu/{vmid}/status/current.</summary>
internal sealed record VmStatus
{
    public int VmId { get; init; }

    public string? Name { get; init; }

    /// <summary>running or stopped.</summary>
    public string Status { get; init; } = "";

    /// <summary>QEMU's own state (running, paused, prelaunch, ...) when the VM runs.</summary>
    public string? QmpStatus { get; init; }

    /// <summary>From the <c>ha</c> object: the VM is an HA resource.</summary>
    public bool HaManaged { get; init; }

    /// <summary>From the <c>ha</c> object: the HA state when managed.</summary>
    public string? HaState { get; init; }

    public long? Uptime { get; init; }

    public int? Cpus { get; init; }

    /// <summary>Used memory in bytes.</summary>
    public long? Memory { get; init; }

    public long? MaxMemory { get; init; }

    public int? Pid { get; init; }

    public bool Agent { get; init; }

    /// <summary>Machine type the running QEMU uses, e.g. pc-i440fx-8.0+pve0.</summary>
    public string? RunningMachine { get; init; }

    public string? RunningQemu { get; init; }
}
