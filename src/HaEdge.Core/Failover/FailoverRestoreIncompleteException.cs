using System;
using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.Failover;

/// <summary>
/// A fault could not be fully undone: the message and <see cref="Remaining"/> say exactly what is left to fix.
/// <see cref="Result"/> holds what was measured before, <see cref="Exception.InnerException"/> what stopped the scenario.
/// </summary>
internal sealed class FailoverRestoreIncompleteException : HaEdgeException
{
    public FailoverRestoreIncompleteException(FailoverScenario scenario, IReadOnlyList<string> remaining, FailoverResult? result, Exception? cause)
        : base("FailoverRestoreIncomplete", FailureKind.InvalidOperation,
            $"Test-HaFailover {scenario}{(cause == null ? "" : " stopped (" + (cause is OperationCanceledException ? "cancelled" : cause.Message) + ") and")} "
            + $"could not restore the edge. Left to fix: {string.Join(" ", remaining.Select((r, i) => $"{i + 1}) {r}"))}",
            scenario.ToString(), cause)
    {
        Remaining = remaining;
        Result = result;
    }

    public IReadOnlyList<string> Remaining { get; }

    public FailoverResult? Result { get; }
}
