namespace HaEdge.Core.Proxmox;

/// <summary>GET /nodes/{node}/tasks/{upid}/status.</summary>
internal sealed record ProxmoxTaskStatus
{
    public Upid? Upid { get; init; }

    /// <summary>running or stopped.</summary>
    public string Status { get; init; } = "";

    public bool IsRunning => Status != "stopped";

    /// <summary>"OK" on success, otherwise the error text; null while running.</summary>
    public string? ExitStatus { get; init; }

    /// <summary>Only a stopped task with exit status OK succeeded.</summary>
    public bool Succeeded => Status == "stopped" && ExitStatus == "OK";

    public string? Node { get; init; }

    public string? Type { get; init; }

    public string? Id { get; init; }

    public string? User { get; init; }

    /// <summary>Unix seconds.</summary>
    public long? StartTime { get; init; }

    public long? EndTime { get; init; }
}
