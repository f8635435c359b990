using System;

namespace HaEdge.Core.Failover;

/// <summary>The faults Test-HaFailover injects, one scenario each.</summary>
public enum FailoverScenario
{
    /// <summary>pfSense persistent maintenance mode on the MASTER; the peer takes every VIP.</summary>
    Maintenance,

    /// <summary>A hard stop (not a shutdown) of the MASTER's VM; the election timeout moves the VIPs.</summary>
    HardStop,

    /// <summary>The primary WAN fails; gateway-group failover moves traffic to the second WAN.</summary>
    WanPull,

    /// <summary>WanPull and HardStop together.</summary>
    Combined,
}

/// <summary>How WanPull makes the primary WAN fail.</summary>
public enum WanPullMethod
{
    /// <summary>pfSense marks the MASTER's default gateway down (force_down): CARP stays, the route moves.</summary>
    GatewayForceDown,

    /// <summary>The user's own action (a smart plug on the ONT, a lab fault): CARP stays, the route moves.</summary>
    UserAction,

    /// <summary>link_down=1 on the MASTER's WAN NIC through the Proxmox API: pfSense demotes CARP, the VIPs move.</summary>
    LinkDown,
}

/// <summary>What a fault is expected to move.</summary>
[Flags]
public enum ExpectedFailover
{
    None = 0,

    /// <summary>Every VIP moves to the peer.</summary>
    CarpMoves = 1,

    /// <summary>The forwarding node's default route leaves the gateway it used before the fault.</summary>
    RouteMoves = 2,
}

public enum ProbeKind
{
    Ping,
    TcpSession,
    Download,
}

/// <summary>What became of one probe.</summary>
public enum ProbeOutcome
{
    /// <summary>Answered within the reply timeout.</summary>
    Reply,

    /// <summary>No answer within the reply timeout.</summary>
    Lost,

    /// <summary>TCP only: the echo came, but after the reply timeout (the connection still works; counted as lost for the outage).</summary>
    Late,

    /// <summary>TCP only: the connection failed (reset, closed, or silent beyond the session timeout).</summary>
    Broken,

    /// <summary>The probe could not be sent (no route, DNS, refused).</summary>
    Error,
}

public enum TimelineEventKind
{
    ScenarioStarted,
    GateResult,
    Phase,
    FaultInjected,
    FaultUndone,
    CarpStateChanged,
    FirewallUnreachable,
    FirewallReachable,
    RouteChanged,
    VipsMoved,
    RouteMoved,
    FailbackComplete,
    ProbeLoss,
    SessionBroken,
    ObserverError,
    Error,
    ScenarioEnded,
}

internal enum PlanStepKind
{
    Check,
    Fault,
    Wait,
    Undo,
}
