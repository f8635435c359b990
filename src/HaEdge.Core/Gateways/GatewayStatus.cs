using System;
using System.Collections.Generic;

namespace HaEdge.Core.Gateways;

/// <summary>A gateway's health in one word, derived from pfSense's status and substatus of any release.</summary>
public enum GatewayHealth
{
    Unknown,
    Online,

    /// <summary>Up, but above the low delay or loss threshold (or above the high one with "do not mark down").</summary>
    Warning,
    Down,
}

/// <summary>One gateway of <c>return_gateways_status()</c> or the <c>pfSsh.php playback gatewaystatus</c> table.</summary>
public sealed record GatewayStatus
{
    public string Name { get; init; } = "";

    /// <summary>As printed; <c>none</c> for a gateway without monitoring.</summary>
    public string? MonitorIp { get; init; }

    public string? SourceIp { get; init; }

    public double? DelayMs { get; init; }

    public double? StdDevMs { get; init; }

    public double? LossPercent { get; init; }

    /// <summary>As printed: <c>online</c>/<c>down</c> since pfSense 2.5; <c>none</c>, <c>loss</c>, ... before.</summary>
    public string Status { get; init; } = "";

    /// <summary><c>none</c>, <c>delay</c>, <c>loss</c>, <c>highdelay</c>, <c>highloss</c>, <c>force_down</c>; null before 2.5.</summary>
    public string? Substatus { get; init; }

    public GatewayHealth Health { get; init; }

    /// <summary>Monitoring is disabled: no dpinger, so no delay or loss.</summary>
    public bool MonitorDisabled { get; init; }
}

/// <summary>A gateway group of config.xml <c>gateways/gateway_group</c>.</summary>
public sealed record GatewayGroup
{
    public string Name { get; init; } = "";

    /// <summary><c>down</c>, <c>downloss</c>, <c>downlatency</c> or <c>downlosslatency</c>.</summary>
    public string? Trigger { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<GatewayGroupMember> Members { get; init; } = Array.Empty<GatewayGroupMember>();
}

public sealed record GatewayGroupMember
{
    public string Gateway { get; init; } = "";

    /// <summary>1 (highest priority) to 5; 0 is the GUI's "Never".</summary>
    public int Tier { get; init; }

    /// <summary>True for tier 0: the member is configured but never used.</summary>
    public bool Never => Tier == 0;

    /// <summary>The virtual IP or address the group uses on that gateway, e.g. <c>_vip5f...</c> or <c>address</c>.</summary>
    public string? VirtualIp { get; init; }
}
