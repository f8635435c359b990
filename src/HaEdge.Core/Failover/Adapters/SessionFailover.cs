using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Session;

namespace HaEdge.Core.Failover.Adapters;

/// <summary>How Test-HaFailover's WanPull fails the primary WAN on a real edge.</summary>
internal sealed class WanPullChoice
{
    public WanPullMethod Method { get; set; } = WanPullMethod.GatewayForceDown;

    /// <summary>GatewayForceDown: the gateway to mark down; null for the MASTER's default gateway before the fault.</summary>
    public string? Gateway { get; set; }

    /// <summary>LinkDown: the netN of the WAN NIC; null for the definition's first WAN segment.</summary>
    public int? WanNet { get; set; }

    /// <summary>UserAction: pulls the WAN (the cmdlet wraps the user's scriptblock, run on the pipeline thread).</summary>
    public Func<CancellationToken, Task>? Pull { get; set; }

    /// <summary>UserAction: restores the WAN; must be safe to run when the pull failed half way.</summary>
    public Func<CancellationToken, Task>? Restore { get; set; }

    /// <summary>UserAction: what the action does, for the plan and the timeline.</summary>
    public string Description { get; set; } = "the user's WAN pull";
}

/// <summary>Builds the failover engine's environment for a connected session.</summary>
internal static class SessionFailover
{
    /// <param name="probeOptions">Probe timings; the targets come from the definition's probes.</param>
    /// <param name="includeDownload">Also run the definition's HTTP download probe.</param>
    public static FailoverEnvironment Create(EdgeSession session, WanPullChoice wanPull, ProbeOptions probeOptions, bool includeDownload,
        TimeSpan sshTimeout, TimeSpan taskTimeout)
    {
        var edge = new SessionEdge(session, sshTimeout, taskTimeout);
        var definition = session.Definition;
        var faults = new Dictionary<FailoverScenario, IFaultInjector>
        {
            [FailoverScenario.Maintenance] = new MaintenanceFault(edge),
            [FailoverScenario.HardStop] = new HardStopFault(edge),
            [FailoverScenario.WanPull] = new WanPullFault(WanPull(edge, definition, wanPull)),
        };
        return new FailoverEnvironment(edge, faults, () => Probes(definition.Probes, probeOptions, includeDownload), definition.Primary.Name, definition.Secondary.Name);
    }

    /// <summary>Fresh probes for one scenario: only the targets the definition names.</summary>
    public static IReadOnlyList<IProbe> Probes(ProbeDefinition probes, ProbeOptions options, bool includeDownload)
    {
        var list = new List<IProbe>();
        if (!string.IsNullOrWhiteSpace(probes.Ping)) list.Add(new PingProbe(probes.Ping!, options));
        if (!string.IsNullOrWhiteSpace(probes.TcpEcho)) list.Add(TcpSessionProbe.Parse(probes.TcpEcho!, options));
        if (includeDownload && probes.Download != null) list.Add(new DownloadProbe(probes.Download, options));
        return list;
    }

    private static IWanPull WanPull(SessionEdge edge, EdgeDefinition definition, WanPullChoice choice)
    {
        switch (choice.Method)
        {
            case WanPullMethod.UserAction:
                if (choice.Pull == null || choice.Restore == null)
                {
                    throw new HaEdgeException("FailoverWanPullIncomplete", FailureKind.InvalidArgument,
                        "WanPull by user action needs both a pull and a restore action.", "WanPull");
                }

                return new UserActionPull(choice.Pull, choice.Restore, choice.Description);
            case WanPullMethod.LinkDown:
                var net = choice.WanNet ?? definition.Segments.FirstOrDefault(s => s.Kind == SegmentKind.Wan)?.Net
                    ?? throw new HaEdgeException("FailoverNoWanSegment", FailureKind.InvalidArgument,
                        $"WanPull by link_down needs the WAN's netN: the definition '{definition.Path}' has no WAN segment; give it explicitly.", definition.Path);
                return new LinkDownPull(edge, net);
            default:
                return new GatewayForceDownPull(edge, definition.Firewalls.Select(f => f.Name).ToList(), choice.Gateway);
        }
    }
}
