using System;
using System.Collections.Generic;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;

namespace HaEdge.Core.Failover;

/// <summary>Everything one scenario measured: what <see cref="FailoverJudge"/> judges. Offsets are on the run's clock.</summary>
internal sealed class FailoverMeasurements
{
    public FailoverScenario Scenario { get; set; }

    public ExpectedFailover Expected { get; set; }

    /// <summary>The fault's steps, in words.</summary>
    public string Fault { get; set; } = "";

    public FaultTarget Target { get; set; } = null!;

    public ScenarioLog Log { get; set; } = null!;

    public IReadOnlyList<GateResult> Gates { get; set; } = Array.Empty<GateResult>();

    public List<ProbeSet.Recorded> Recordings { get; set; } = new List<ProbeSet.Recorded>();

    public DateTimeOffset RunStartedAt { get; set; }

    public FailoverRunInfo? Run { get; set; }

    public TimeSpan StartedAt { get; set; }

    public TimeSpan EndedAt { get; set; }

    /// <summary>Null when the scenario stopped before its fault.</summary>
    public TimeSpan? FaultAt { get; set; }

    public DateTimeOffset? FaultDateTime { get; set; }

    /// <summary>Null when the fault was not undone on the normal path.</summary>
    public TimeSpan? UndoAt { get; set; }

    /// <summary>When the expected failover was first seen; null when it was not within the timeout.</summary>
    public TimeSpan? MovedAt { get; set; }

    /// <summary>When the edge was first seen back as before; null when it was not within the timeout.</summary>
    public TimeSpan? FailbackAt { get; set; }

    public long? StatesBefore { get; set; }

    public long? StatesAfter { get; set; }

    /// <summary>The MASTER's default gateway before the fault, when the scenario moves the route.</summary>
    public string? BaselineGateway { get; set; }

    /// <summary>The firewall whose route matters while the fault holds.</summary>
    public string FailoverRouteHolder { get; set; } = "";

    /// <summary>What stopped the scenario: an error, or an <see cref="OperationCanceledException"/>.</summary>
    public Exception? Failure { get; set; }
}
