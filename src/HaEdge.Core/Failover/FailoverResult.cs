using System;
using System.Collections.Generic;

namespace HaEdge.Core.Failover;

/// <summary>What one probe saw in one scenario.</summary>
public sealed record ProbeSummary
{
    public string Probe { get; init; } = "";

    public ProbeKind Kind { get; init; }

    public string Target { get; init; } = "";

    public TimeSpan Interval { get; init; }

    /// <summary>Probes sent in the failover window (fault to undo).</summary>
    public int Sent { get; init; }

    /// <summary>Probes not answered in time in that window.</summary>
    public int Lost { get; init; }

    /// <summary>The longest loss run in the failover window (zero when none).</summary>
    public TimeSpan Outage { get; init; }

    /// <summary>The longest loss run in the failback window (undo to end).</summary>
    public TimeSpan FailbackOutage { get; init; }

    /// <summary>TCP only: when the connection broke (null when it did not).</summary>
    public TimeSpan? BrokeAt { get; init; }

    /// <summary>TCP only: why it broke.</summary>
    public string? BreakReason { get; init; }

    /// <summary>Why the probe itself failed to run, if it did.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// One scenario of Test-HaFailover, judged. Times named <c>...At</c> are offsets on the run's monotonic clock
/// since <see cref="RunStartedAt"/>; <see cref="FaultAt"/> is the wall-clock moment of the fault.
/// </summary>
public sealed record FailoverResult
{
    public FailoverScenario Scenario { get; init; }

    public bool Passed { get; init; }

    private readonly IReadOnlyList<string> reasons = ValueList<string>.Empty;

    /// <summary>Why it failed; empty when it passed.</summary>
    public IReadOnlyList<string> Reasons { get => reasons; init => reasons = ValueList<string>.Of(value); }

    /// <summary>What the scenario expected to move.</summary>
    public ExpectedFailover Expected { get; init; }

    /// <summary>How the fault was made, e.g. "hard stop of VM 101 (fw1)".</summary>
    public string Fault { get; init; } = "";

    /// <summary>The MASTER before the fault.</summary>
    public string OriginalMaster { get; init; } = "";

    /// <summary>The sole MASTER once the fault had acted (null when none was seen).</summary>
    public string? NewMaster { get; init; }

    /// <summary>Wall-clock moment of the fault (UTC).</summary>
    public DateTimeOffset? FaultAt { get; init; }

    /// <summary>From the fault to the first poll showing every VIP on the peer; null when they did not move.</summary>
    public TimeSpan? VipMovedAfter { get; init; }

    /// <summary>True when any VIP changed owner during the fault (WanPull without link_down expects false).</summary>
    public bool CarpMoved { get; init; }

    /// <summary>From the fault to the first poll showing the default route off its gateway; null when it did not move or was not watched.</summary>
    public TimeSpan? RouteMovedAfter { get; init; }

    /// <summary>The forwarding node's default gateway before the fault and at its end (when watched).</summary>
    public string? GatewayBefore { get; init; }

    public string? GatewayAfter { get; init; }

    /// <summary>The longest loss run of the reference probe (ping, else the TCP session) during the fault; null when no probe measured it.</summary>
    public TimeSpan? Outage { get; init; }

    /// <summary>Lost probes of the reference probe during the fault, in percent of those sent.</summary>
    public double ProbeLoss { get; init; }

    public int ProbesLost { get; init; }

    public int ProbesSent { get; init; }

    /// <summary>The TCP session kept working on the same connection through fault and failback; null without a TCP probe.</summary>
    public bool? SessionSurvived { get; init; }

    /// <summary>pfctl current entries on the MASTER before the fault, and on the new MASTER after it (null when unread).</summary>
    public long? StatesBefore { get; init; }

    public long? StatesAfter { get; init; }

    /// <summary>From the undo to the first poll showing the edge back as before.</summary>
    public TimeSpan? FailbackAfter { get; init; }

    /// <summary>The longest loss run of the reference probe from the undo to the end.</summary>
    public TimeSpan? FailbackOutage { get; init; }

    /// <summary>After the undo: one MASTER per VIP, on the original MASTER (and the route back), within the failback timeout.</summary>
    public bool FailbackClean { get; init; }

    /// <summary>The error that stopped the scenario early, if any (the edge was restored before the result was made).</summary>
    public string? Error { get; init; }

    public IReadOnlyList<GateResult> Gates { get; init; } = Array.Empty<GateResult>();

    public IReadOnlyList<TimelineEvent> Timeline { get; init; } = Array.Empty<TimelineEvent>();

    public IReadOnlyList<ProbeSummary> Probes { get; init; } = Array.Empty<ProbeSummary>();

    public IReadOnlyList<ProbeSample> Samples { get; init; } = Array.Empty<ProbeSample>();

    public IReadOnlyList<OwnershipSample> Ownership { get; init; } = Array.Empty<OwnershipSample>();

    /// <summary>The owner of each VIP at each poll, one row per poll and VIP.</summary>
    public IReadOnlyList<VipOwnershipSample> VipOwnership { get; init; } = Array.Empty<VipOwnershipSample>();

    /// <summary>Wall-clock start of the run the offsets count from.</summary>
    public DateTimeOffset RunStartedAt { get; init; }

    /// <summary>Offsets of the scenario's phases on the run clock.</summary>
    public TimeSpan StartedAt { get; init; }

    public TimeSpan? FaultOffset { get; init; }

    public TimeSpan? UndoOffset { get; init; }

    public TimeSpan EndedAt { get; init; }

    /// <summary>The options that judged this scenario: the report shows them beside the measured values.</summary>
    public FailoverCriteria? Criteria { get; init; }

    /// <summary>Who ran the test, from where, against which versions; null when not recorded.</summary>
    public FailoverRunInfo? Run { get; init; }
}

/// <summary>The pass criteria and timings a scenario was judged by (Test-HaFailover's options).</summary>
public sealed record FailoverCriteria
{
    /// <summary>The longest outage allowed during the failover.</summary>
    public TimeSpan MaxOutage { get; init; }

    /// <summary>The longest outage allowed during the failback.</summary>
    public TimeSpan MaxFailbackOutage { get; init; }

    /// <summary>The TCP session (when probed) must survive on the same connection.</summary>
    public bool RequireSessionSurvival { get; init; }

    /// <summary>A clean failback puts every VIP back on the original MASTER.</summary>
    public bool FailbackToOriginal { get; init; }

    /// <summary>How long the VIPs (or the route) may take to move.</summary>
    public TimeSpan FailoverTimeout { get; init; }

    /// <summary>How long the failback may take.</summary>
    public TimeSpan FailbackTimeout { get; init; }

    /// <summary>Held after the failover and after the failback before judging.</summary>
    public TimeSpan Settle { get; init; }

    public TimeSpan FailbackSettle { get; init; }

    /// <summary>Gates failed and the run went on because of -Force.</summary>
    public bool Force { get; init; }
}

/// <summary>Who ran a failover test, from where, with which versions. Flat, so Export-Clixml's default depth keeps it.</summary>
public sealed record FailoverRunInfo
{
    /// <summary>The session's edge name.</summary>
    public string? Edge { get; init; }

    /// <summary>The user who ran it (DOMAIN\user or user).</summary>
    public string? User { get; init; }

    /// <summary>The machine it ran from.</summary>
    public string? Host { get; init; }

    /// <summary>The HaEdge module version.</summary>
    public string? ModuleVersion { get; init; }

    /// <summary>The primary firewall and its pfSense release (/etc/version, e.g. 2.7.2-RELEASE; null when unread).</summary>
    public string? Primary { get; init; }

    public string? PrimaryRelease { get; init; }

    /// <summary>The secondary firewall and its pfSense release.</summary>
    public string? Secondary { get; init; }

    public string? SecondaryRelease { get; init; }

    /// <summary>Proxmox VE's version (GET /version: pve-manager's version); null when unread.</summary>
    public string? ProxmoxVersion { get; init; }
}

/// <summary>One step of the plan -WhatIf prints: nothing is touched to make it.</summary>
internal sealed record FailoverPlanStep
{
    public int Order { get; init; }

    public FailoverScenario Scenario { get; init; }

    public PlanStepKind Kind { get; init; }

    /// <summary>The firewall, VM or WAN the step acts on.</summary>
    public string Target { get; init; } = "";

    public string Action { get; init; } = "";

    public override string ToString() => $"{Order,2}. [{Scenario}] {Kind}: {Action}";
}
