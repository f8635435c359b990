using System;

namespace HaEdge.Core.Inventory;

public enum ConnectionPlane
{
    Proxmox,
    Ssh,
}

/// <summary>Whether one management plane of the edge answers, how fast, and with which pinned identity.</summary>
public sealed record ConnectionCheck
{
    /// <summary>The edge checked (its definition's name).</summary>
    public string Edge { get; init; } = "";

    /// <summary>The firewall name, or the Proxmox endpoint that answered.</summary>
    public string Target { get; init; } = "";

    public ConnectionPlane Plane { get; init; }

    public bool Reachable { get; init; }

    public TimeSpan? Latency { get; init; }

    /// <summary>The SSH host key the server presented (SHA256:...), when it got that far.</summary>
    public string? HostKey { get; init; }

    /// <summary>The Proxmox cluster name or the SSH banner side's user@host.</summary>
    public string? Detail { get; init; }

    /// <summary>Who answered: the SSH host key when there is one, else the detail.</summary>
    public string? Identity => HostKey ?? Detail;

    /// <summary>The stable error id when it failed (e.g. SshHostKeyMismatch, ProxmoxUnauthorized).</summary>
    public string? ErrorId { get; init; }

    public string? Error { get; init; }
}
