using System;

namespace HaEdge.Core;

/// <summary>What went wrong, in terms the cmdlets map one to one onto PowerShell error categories.</summary>
public enum FailureKind
{
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    ConnectionError,
    OperationTimeout,
    AuthenticationError,
    PermissionDenied,
    SecurityError,
    ResourceUnavailable,
    InvalidOperation,
    OperationStopped,
}

/// <summary>
/// Every failure HaEdge.Core reports on purpose: a stable, whitespace-free error id (for example
/// <c>ProxmoxUnauthorized</c>), a kind, and the node, VM or file it concerns. Messages never contain secrets.
/// </summary>
public class HaEdgeException : Exception
{
    public HaEdgeException(string errorId, FailureKind kind, string message, string? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    /// <summary>Stable identifier, the first part of the PowerShell FullyQualifiedErrorId.</summary>
    public string ErrorId { get; }

    public FailureKind Kind { get; }

    /// <summary>The node, VM, firewall or file the failure is about.</summary>
    public string? Target { get; }
}
