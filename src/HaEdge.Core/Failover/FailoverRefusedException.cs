using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.Failover;

/// <summary>The preflight gates refused the test; nothing was touched.</summary>
internal sealed class FailoverRefusedException : HaEdgeException
{
    public FailoverRefusedException(FailoverScenario scenario, IReadOnlyList<GateResult> gates)
        : base("FailoverPreflightFailed", FailureKind.InvalidOperation,
            $"Test-HaFailover {scenario} was refused before any fault: {string.Join(" ", gates.Where(g => !g.Passed).Select(g => g.Gate + ": " + g.Reason))} "
            + "Fix the edge first, or use -Force to test it anyway.", scenario.ToString())
    {
        Gates = gates;
    }

    public IReadOnlyList<GateResult> Gates { get; }
}
