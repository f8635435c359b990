using System;

namespace HaEdge.Core.Checks;

public enum FindingSeverity
{
    Information,
    Warning,
    Error,
}

/// <summary>One result of a check: what is wrong (Code, stable), where (Target), and what to do about it.</summary>
public sealed class Finding
{
    public Finding(FindingSeverity severity, string code, string target, string message, string remediation)
    {
        Severity = severity;
        Code = code ?? throw new ArgumentNullException(nameof(code));
        Target = target ?? throw new ArgumentNullException(nameof(target));
        Message = message ?? throw new ArgumentNullException(nameof(message));
        Remediation = remediation ?? throw new ArgumentNullException(nameof(remediation));
    }

    /// <summary>The edge it was found in (its definition's name).</summary>
    public string Edge { get; init; } = "";

    public FindingSeverity Severity { get; }

    /// <summary>Stable, whitespace-free identifier, e.g. SyncTargetNotPeer.</summary>
    public string Code { get; }

    /// <summary>The firewall (or other object) the finding is about.</summary>
    public string Target { get; }

    public string Message { get; }

    public string Remediation { get; }

    /// <summary>This finding, stamped with the edge it was found in (itself when it already is).</summary>
    internal Finding In(string edge) => Edge == edge ? this : new Finding(Severity, Code, Target, Message, Remediation) { Edge = edge };

    public override string ToString() => $"{Severity} {Code} [{Target}]: {Message}";
}
