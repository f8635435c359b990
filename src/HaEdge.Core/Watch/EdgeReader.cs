using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Carp;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Definition;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Session;

namespace HaEdge.Core.Watch;

/// <summary>
/// Reads the whole edge for Watch-HaEdge and the metrics: one exec per firewall (CARP, gateways, default route,
/// pfsync, state table) on the pooled connections, and two Proxmox calls (cluster status, VM list), all at once.
/// The gateway groups and the config drift change rarely and cost more: they are read by <see cref="ReadSlowAsync"/>.
/// </summary>
internal sealed class EdgeReader
{
    // route exits non-zero when there is no default route at all: an answer here, not a failure.
    private static readonly string[] FastCommands =
    {
        PfSenseCommands.Ifconfig, PfSenseCommands.CarpSysctl, PfSenseCommands.GatewayStatusJson, PfSenseCommands.DefaultRoute + " 2>/dev/null || true",
        PfSenseCommands.Pfsync, PfSenseCommands.PfctlInfo,
    };

    private readonly EdgeSession session;
    private readonly FirewallShell shell;
    private readonly XmlRpcPair? xmlRpc;
    // Replaced whole by the slow read, so a fast read running beside it sees the old parts or the new, never half.
    private volatile SlowParts slow = new SlowParts(new Dictionary<string, IReadOnlyList<GatewayGroup>>(StringComparer.OrdinalIgnoreCase), null);

    /// <param name="answerWithin">How long a firewall may take to answer one reading before it counts as not answering.</param>
    /// <param name="xmlRpc">Both firewalls' XML-RPC clients for the drift (the caller disposes them); null: drift is not read.</param>
    public EdgeReader(EdgeSession session, TimeSpan answerWithin, XmlRpcPair? xmlRpc)
    {
        this.session = session;
        this.xmlRpc = xmlRpc;
        shell = new FirewallShell(session, answerWithin, answerWithin);
    }

    /// <summary>The firewalls read, in the order <see cref="Combine"/> takes their answers (the definition's: primary first).</summary>
    public IReadOnlyList<FirewallDefinition> Firewalls => session.Definition.Firewalls;

    /// <summary>Everything at once, waiting for every answer. Never throws for an edge that does not answer.</summary>
    public async Task<EdgeReading> ReadAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (firewalls, proxmox) = await ReadAnswersAsync(cancellationToken).ConfigureAwait(false);
        return Combine(firewalls, proxmox, watch.Elapsed);
    }

    /// <summary>Every firewall's answer and Proxmox's, read at once and all waited for.</summary>
    public async Task<(FirewallAnswer<FirewallRead>?[] Firewalls, ProxmoxRead Proxmox)> ReadAnswersAsync(CancellationToken cancellationToken)
    {
        var firewalls = Task.WhenAll(Firewalls.Select(f => ReadFirewallAsync(f, cancellationToken)));
        var proxmox = ReadProxmoxAsync(cancellationToken);
        await Task.WhenAll(firewalls, proxmox).ConfigureAwait(false);
        return (firewalls.Result.Select(a => (FirewallAnswer<FirewallRead>?)a).ToArray(), proxmox.Result);
    }

    /// <summary>
    /// One reading from each firewall's answer (null: still on its way) and the Proxmox answer (null: still on
    /// its way, then nothing is known of it). The pair's verdicts need both firewalls' answers.
    /// </summary>
    public EdgeReading Combine(IReadOnlyList<FirewallAnswer<FirewallRead>?> answers, ProxmoxRead? proxmox, TimeSpan elapsed)
    {
        var watched = Firewalls.Select((f, i) => answers[i] switch
        {
            null => new WatchedFirewall { Name = f.Name, State = AnswerState.Pending },
            { Succeeded: true } answer => answer.Value!.Watched,
            var answer => new WatchedFirewall { Name = f.Name, State = AnswerState.Failed, Error = answer.Failure!.Message },
        }).ToList();
        var verdicts = new Dictionary<string, CarpPairVerdict>(StringComparer.Ordinal);
        bool? pfsyncInSync = null;
        IReadOnlyList<string> pfsyncReasons = Array.Empty<string>();
        if (answers.All(a => a?.Succeeded == true))
        {
            foreach (var row in CarpPairAnalyzer.Evaluate(answers[0]!.Value!.Carp, answers[1]!.Value!.Carp))
            {
                verdicts[CarpPairAnalyzer.NameOf(row.Vhid, row.Interface)] = row.Verdict;
            }

            var pfsync = PfsyncService.Evaluate(answers.Select(a => a!.Value!.Pfsync).ToList());
            pfsyncInSync = pfsync[0].Verdict == PfsyncVerdict.InSync;
            pfsyncReasons = pfsync[0].Reasons;
        }

        return new EdgeReading
        {
            Edge = session.Name,
            Primary = session.Definition.Primary.Name,
            Time = DateTimeOffset.Now,
            Elapsed = elapsed,
            Firewalls = watched,
            Verdicts = verdicts,
            PfsyncInSync = pfsyncInSync,
            PfsyncReasons = pfsyncReasons,
            Quorate = proxmox?.Quorate,
            Nodes = proxmox?.Nodes ?? new Dictionary<string, bool>(),
            Vms = proxmox?.Vms ?? Array.Empty<WatchedVm>(),
            ProxmoxState = proxmox == null ? AnswerState.Pending : proxmox.Error == null ? AnswerState.Answered : AnswerState.Failed,
            ProxmoxError = proxmox?.Error,
            DriftItems = slow.DriftItems,
        };
    }

    /// <summary>
    /// The slow reads: each firewall's gateway groups (which gateway is a backup WAN) and, when XML-RPC is
    /// configured, the config drift. A part that cannot be read keeps its last value (drift: unknown).
    /// </summary>
    public async Task ReadSlowAsync(CancellationToken cancellationToken)
    {
        var groupReads = shell.RunOnBothAsync((firewall, token) =>
            shell.RunBatchAsync(firewall, new[] { PfSenseCommands.GatewayGroupsJson }, s => GatewayGroupParser.Parse(s[0]), token), cancellationToken);
        var drift = ReadDriftAsync(cancellationToken);
        await Task.WhenAll(groupReads, drift).ConfigureAwait(false);
        var groups = slow.Groups.ToDictionary(g => g.Key, g => g.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var answer in groupReads.Result.Where(a => a.Succeeded))
        {
            groups[answer.Firewall.Name] = answer.Value!;
        }

        slow = new SlowParts(groups, drift.Result);
    }

    private async Task<int?> ReadDriftAsync(CancellationToken cancellationToken)
    {
        if (xmlRpc == null) return null;
        try
        {
            var service = new ConfigSyncService(session, xmlRpc);
            var sections = await service.TickedSectionsAsync(cancellationToken).ConfigureAwait(false);
            return sections.Count == 0 ? 0 : (await service.DriftAsync(sections, cancellationToken).ConfigureAwait(false)).Count;
        }
        catch (HaEdgeException)
        {
            return null;
        }
    }

    /// <summary>One firewall's answer; a failure is in the answer (cancellation throws).</summary>
    public Task<FirewallAnswer<FirewallRead>> ReadFirewallAsync(FirewallDefinition firewall, CancellationToken cancellationToken) =>
        FirewallShell.AnswerAsync(firewall, ReadOneAsync, cancellationToken);

    private async Task<FirewallRead> ReadOneAsync(FirewallDefinition firewall, CancellationToken cancellationToken)
    {
        var reporter = SilentReporter.Instance;
        var outputs = await shell.AskAsync(firewall, FastCommands, cancellationToken).ConfigureAwait(false);
        var ifconfig = outputs[0].Parse(IfconfigParser.Read, reporter);
        var sysctl = outputs[1].Parse(CarpSysctlParser.Read, reporter);
        var carp = new CarpNodeReading(firewall.Name, firewall.Role, ifconfig.Vips, sysctl);

        var gatewayStatus = outputs[2].TryParse(GatewayStatusParser.Read, reporter);
        var route = outputs[3].Output.Trim().Length == 0 ? null : outputs[3].TryParse(RouteGetParser.Read, reporter).Value;
        var gateways = gatewayStatus.Succeeded
            ? GatewayService.Describe(firewall, new GatewayNodeReading(gatewayStatus.Value!, slow.Groups.TryGetValue(firewall.Name, out var known) ? known : Array.Empty<GatewayGroup>(), route, ifconfig))
            : null;

        // The creator ids are not read here (a walk of the whole state table on older releases): an empty list on both sides compares as equal.
        var pfsync = new PfsyncNodeReading(firewall, outputs[4].TryParse(PfsyncParser.Read, reporter), outputs[5].TryParse(PfctlInfoParser.Read, reporter),
            Reading<IReadOnlyList<string>>.Of(Array.Empty<string>()));

        var watched = new WatchedFirewall
        {
            Name = firewall.Name,
            State = AnswerState.Answered,
            Vips = ifconfig.Vips.GroupBy(CarpPairAnalyzer.NameOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => new WatchedVip(g.First().Vhid, g.First().Interface, g.First().State), StringComparer.Ordinal),
            Maintenance = ifconfig.Vips.Any(v => v.AdvSkew == CarpPairAnalyzer.MaintenanceSkew),
            Demotion = sysctl.Demotion,
            Gateways = gateways == null ? null : Watched(gateways),
            DefaultRoute = gateways?.FirstOrDefault(g => g.DefaultRoute)?.Name ?? route?.Gateway,
            PfsyncOk = pfsync.Pfsync == null ? null : pfsync.Pfsync.Configured && pfsync.Pfsync.SyncOk != false,
            States = pfsync.Info?.StateEntries,
        };
        return new FirewallRead(watched, carp, pfsync);
    }

    /// <summary>The gateways as the watch compares them; preferred: tier 1 (the group's lowest tier in use) of a group, or in none.</summary>
    private static IReadOnlyList<WatchedGateway> Watched(IReadOnlyList<PfGateway> gateways)
    {
        var firstTier = gateways.SelectMany(g => g.Groups).Where(t => t.Tier > 0).GroupBy(t => t.Group, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(t => t.Tier), StringComparer.Ordinal);
        return gateways.Select(g => new WatchedGateway
        {
            Name = g.Name,
            Status = g.Status,
            Up = g.Health == GatewayHealth.Online || g.Health == GatewayHealth.Warning,
            LossPercent = g.LossPercent,
            DelayMs = g.DelayMs,
            Preferred = g.Groups.Count == 0 || g.Groups.Any(t => t.Tier > 0 && firstTier[t.Group] == t.Tier),
        }).ToList();
    }

    /// <summary>The cluster's quorum and nodes, and where the firewall VMs run; a failure is in the answer.</summary>
    public async Task<ProxmoxRead> ReadProxmoxAsync(CancellationToken cancellationToken)
    {
        try
        {
            IProxmoxClient proxmox = session.Proxmox;
            var cluster = proxmox.GetClusterStatusAsync(cancellationToken);
            var resources = proxmox.GetVmsAsync(cancellationToken);
            await Task.WhenAll(cluster, resources).ConfigureAwait(false);
            var nodes = cluster.Result.Nodes.ToDictionary(n => n.Name, n => n.Online, StringComparer.OrdinalIgnoreCase);
            var vms = session.Definition.Firewalls.Select(f =>
            {
                var vm = resources.Result.FirstOrDefault(r => r.VmId == f.VmId);
                return new WatchedVm { Firewall = f.Name, Node = vm?.Node ?? "", Status = vm?.Status ?? "missing" };
            }).ToList();
            return new ProxmoxRead(cluster.Result.Quorate, nodes, vms, null);
        }
        catch (HaEdgeException e)
        {
            return new ProxmoxRead(null, new Dictionary<string, bool>(), Array.Empty<WatchedVm>(), e.Message);
        }
    }

    private sealed record SlowParts(IReadOnlyDictionary<string, IReadOnlyList<GatewayGroup>> Groups, int? DriftItems);
}

/// <summary>One firewall's answer to the fast read: as the watch compares it, and as the pair analyses need it.</summary>
internal sealed record FirewallRead(WatchedFirewall Watched, CarpNodeReading Carp, PfsyncNodeReading Pfsync);

/// <summary>The Proxmox answer, or why there is none.</summary>
internal sealed record ProxmoxRead(bool? Quorate, IReadOnlyDictionary<string, bool> Nodes, IReadOnlyList<WatchedVm> Vms, string? Error);
