using System;
using System.Collections.Generic;
using HaEdge.Core.Definition;

namespace HaEdge.Core.Gateways;

/// <summary>A gateway group a gateway belongs to, and its tier there.</summary>
public sealed record PfGatewayGroupTier
{
    public string Group { get; init; } = "";

    /// <summary>1 (used first) to 5; 0 is "Never".</summary>
    public int Tier { get; init; }

    public override string ToString() => Group + ":" + Tier.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One gateway on one firewall.</summary>
public sealed record PfGateway
{
    /// <summary>The edge (its definition's name) the row was read from.</summary>
    public string Edge { get; init; } = "";

    public string Firewall { get; init; } = "";

    public FirewallRole Role { get; init; }

    /// <summary>This firewall is MASTER of at least one CARP VIP (the one forwarding traffic).</summary>
    public bool IsMaster { get; init; }

    public string Name { get; init; } = "";

    public string Status { get; init; } = "";

    public string? Substatus { get; init; }

    public GatewayHealth Health { get; init; }

    public double? DelayMs { get; init; }

    public double? StdDevMs { get; init; }

    public double? LossPercent { get; init; }

    public string? MonitorIp { get; init; }

    public string? SourceIp { get; init; }

    public bool MonitorDisabled { get; init; }

    private readonly IReadOnlyList<PfGatewayGroupTier> groups = ValueList<PfGatewayGroupTier>.Empty;

    /// <summary>The gateway groups this gateway is a member of, with its tier in each.</summary>
    public IReadOnlyList<PfGatewayGroupTier> Groups { get => groups; init => groups = ValueList<PfGatewayGroupTier>.Of(value); }

    /// <summary>This firewall's default route goes through this gateway.</summary>
    public bool DefaultRoute { get; init; }
}
