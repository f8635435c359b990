using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Gateways;

/// <summary>One firewall's gateway reading.</summary>
internal sealed class GatewayNodeReading
{
    public GatewayNodeReading(IReadOnlyList<GatewayStatus> gateways, IReadOnlyList<GatewayGroup> groups, RouteInfo? defaultRoute, IfconfigOutput ifconfig)
    {
        Gateways = gateways;
        Groups = groups;
        DefaultRoute = defaultRoute;
        Ifconfig = ifconfig;
    }

    public IReadOnlyList<GatewayStatus> Gateways { get; }

    public IReadOnlyList<GatewayGroup> Groups { get; }

    /// <summary>Null when the firewall has no default route.</summary>
    public RouteInfo? DefaultRoute { get; }

    public IfconfigOutput Ifconfig { get; }
}

/// <summary>
/// Get-PfGateway: gateway status, groups, the default route and the CARP states in one exec per firewall. The
/// gateway status is the reading; a failure of any other command costs only its part (a warning says which).
/// </summary>
internal sealed class GatewayService
{
    // route exits non-zero when there is no default route at all; that is an answer here, not a failure.
    private static readonly string[] Commands =
    {
        PfSenseCommands.GatewayStatusJson, PfSenseCommands.GatewayGroupsJson, PfSenseCommands.DefaultRoute + " 2>/dev/null || true", PfSenseCommands.Ifconfig,
    };

    private readonly FirewallShell shell;
    private readonly IOperationReporter reporter;

    /// <param name="reporter">Told about each output line skipped and each part left out, naming the firewall.</param>
    public GatewayService(FirewallShell shell, IOperationReporter? reporter = null)
    {
        this.shell = shell;
        this.reporter = reporter ?? SilentReporter.Instance;
    }

    /// <summary>The gateways of both firewalls, and the firewalls that could not be read.</summary>
    public async Task<(IReadOnlyList<PfGateway> Gateways, IReadOnlyList<HaEdgeException> Failures)> ReadAsync(CancellationToken cancellationToken)
    {
        var answers = await shell.RunOnBothAsync(ReadNodeAsync, cancellationToken).ConfigureAwait(false);
        var gateways = answers.Where(a => a.Succeeded).SelectMany(a => Describe(a.Firewall, a.Value!)).ToList();
        return (gateways, answers.Where(a => !a.Succeeded).Select(a => a.Failure!).ToList());
    }

    private async Task<GatewayNodeReading> ReadNodeAsync(FirewallDefinition firewall, CancellationToken cancellationToken)
    {
        var outputs = await shell.AskAsync(firewall, Commands, cancellationToken).ConfigureAwait(false);
        return new GatewayNodeReading(
            outputs[0].Parse(GatewayStatusParser.Read, reporter),
            Part(outputs[1].TryParse(GatewayGroupParser.Read, reporter), $"{firewall.Name}'s gateways are shown without their groups")
                ?? Array.Empty<GatewayGroup>(),
            outputs[2].Output.Trim().Length == 0 ? null
                : Part(outputs[2].TryParse(RouteGetParser.Read, reporter), $"no gateway of {firewall.Name} is shown as carrying its default route"),
            Part(outputs[3].TryParse(IfconfigParser.Read, reporter), $"{firewall.Name}'s CARP state and default route gateway are unknown")
                ?? new IfconfigOutput());
    }

    /// <summary>A part of the reading, or null and a warning saying what is left out.</summary>
    private T? Part<T>(Reading<T> reading, string consequence)
        where T : class
    {
        if (reading.Succeeded) return reading.Value;
        reporter.Warning($"{reading.Failure!.Message.TrimEnd('.')}; {consequence}.");
        return null;
    }

    /// <summary>One row per gateway of <paramref name="firewall"/> (pure).</summary>
    public static IReadOnlyList<PfGateway> Describe(FirewallDefinition firewall, GatewayNodeReading reading)
    {
        var isMaster = reading.Ifconfig.Vips.Any(v => v.State == CarpState.Master);
        var defaultGateway = DefaultGatewayOf(reading);
        return reading.Gateways.Select(g => new PfGateway
        {
            Firewall = firewall.Name,
            Role = firewall.Role,
            IsMaster = isMaster,
            Name = g.Name,
            Status = g.Status,
            Substatus = g.Substatus,
            Health = g.Health,
            DelayMs = g.DelayMs,
            StdDevMs = g.StdDevMs,
            LossPercent = g.LossPercent,
            MonitorIp = g.MonitorIp,
            SourceIp = g.SourceIp,
            MonitorDisabled = g.MonitorDisabled,
            Groups = reading.Groups.SelectMany(group => group.Members.Where(m => m.Gateway == g.Name)
                .Select(m => new PfGatewayGroupTier { Group = group.Name, Tier = m.Tier })).ToList(),
            DefaultRoute = g.Name == defaultGateway,
        }).ToList();
    }

    /// <summary>
    /// The gateway the default route uses: the status JSON has no gateway address, so it is the gateway whose source
    /// address sits on the route's interface (of the route's address family), or failing that the one monitoring the
    /// route's next hop.
    /// </summary>
    private static string? DefaultGatewayOf(GatewayNodeReading reading)
    {
        var route = reading.DefaultRoute;
        if (route == null) return null;
        var family = route.Gateway != null && route.Gateway.Contains(":") ? IpVersion.IPv6 : IpVersion.IPv4;
        var local = reading.Ifconfig.Interfaces.Where(i => i.Name == route.Interface)
            .SelectMany(i => i.Addresses).Where(a => a.Version == family).Select(a => a.Address).ToList();
        var bySource = reading.Gateways.Where(g => g.SourceIp != null && local.Contains(g.SourceIp)).ToList();
        if (bySource.Count == 1) return bySource[0].Name;
        return reading.Gateways.FirstOrDefault(g => g.MonitorIp != null && g.MonitorIp == route.Gateway)?.Name;
    }
}
