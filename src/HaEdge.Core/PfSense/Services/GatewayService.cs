using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Model.Carp;
using HaEdge.Core.Model.PfSense;
using HaEdge.Core.PfSense.Parsing;

namespace HaEdge.Core.PfSense.Services
{
    /// <summary>One firewall's gateway reading.</summary>
    public sealed class GatewayNodeReading
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

    /// <summary>Get-PfGateway: gateway status, groups, the default route and the CARP states in one exec per firewall.</summary>
    public sealed class GatewayService
    {
        // route exits non-zero when there is no default route at all; that is an answer here, not a failure.
        private static readonly string[] Commands =
        {
            PfSenseCommands.GatewayStatusJson, PfSenseCommands.GatewayGroupsJson, PfSenseCommands.DefaultRoute + " 2>/dev/null || true", PfSenseCommands.Ifconfig,
        };

        private readonly FirewallShell shell;

        public GatewayService(FirewallShell shell)
        {
            this.shell = shell;
        }

        /// <summary>The gateways of both firewalls, and the firewalls that could not be read.</summary>
        public async Task<(IReadOnlyList<PfGateway> Gateways, IReadOnlyList<HaEdgeException> Failures)> ReadAsync(CancellationToken cancellationToken)
        {
            var answers = await shell.RunOnBothAsync(Commands, s => new GatewayNodeReading(
                    GatewayStatusParser.Parse(s[0]),
                    GatewayGroupParser.Parse(s[1]),
                    s[2].Trim().Length == 0 ? null : RouteGetParser.Parse(s[2]),
                    IfconfigParser.Parse(s[3])), cancellationToken)
                .ConfigureAwait(false);
            var gateways = answers.Where(a => a.Succeeded).SelectMany(a => Describe(a.Firewall, a.Value!)).ToList();
            return (gateways, answers.Where(a => !a.Succeeded).Select(a => a.Failure!).ToList());
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
}
