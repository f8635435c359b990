using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Carp;
using HaEdge.Core.Checks;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Gateways;
using HaEdge.Core.Inventory;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Session;

namespace HaEdge.Core.Runbooks;

/// <summary>
/// Test-HaEdge: every read-only check of the edge at once. The Proxmox reads, two SSH execs per firewall (CARP and
/// pfsync state in one, the gateways in the other) and the XML-RPC comparison all start together, so the run takes
/// about as long as its slowest check.
/// </summary>
internal sealed class EdgeReadinessService
{
    private const string Activity = "Test-HaEdge";
    private readonly EdgeSession session;
    private readonly XmlRpcPair? xmlRpc;
    private readonly TimeSpan sshTimeout;

    /// <param name="session">The edge.</param>
    /// <param name="xmlRpc">Both firewalls' XML-RPC clients for the drift check (the caller disposes them); null when the definition has no xmlrpc entries.</param>
    /// <param name="sshTimeout">How long each firewall command may take.</param>
    public EdgeReadinessService(EdgeSession session, XmlRpcPair? xmlRpc, TimeSpan sshTimeout)
    {
        this.session = session;
        this.xmlRpc = xmlRpc;
        this.sshTimeout = sshTimeout;
    }

    /// <summary>True when both firewalls have an xmlrpc entry, so the drift check can run.</summary>
    public static bool DriftConfigured(Definition.EdgeDefinition edge) => edge.Firewalls.All(f => f.XmlRpc != null);

    public async Task<HaEdgeReadiness> RunAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        DateTimeOffset started = DateTimeOffset.Now;
        reporter.Progress(Activity, $"Checking {session.Name}: {string.Join(", ", ReadinessChecks.All)}", -1);
        IProxmoxClient proxmox = session.Proxmox;
        var shell = new FirewallShell(session, sshTimeout);

        // Each read once, judged by two or more checks.
        Task<IReadOnlyList<HaEdgeVm>> vms = EdgeInventory.GetVmsAsync(proxmox, session.Definition, session.Definition.Firewalls, cancellationToken);
        Task<CarpPairReport> carp;
        Task<(IReadOnlyList<PfsyncNodeStatus> Nodes, IReadOnlyList<HaEdgeException> Failures)> pfsync;
        using (shell.GatherReads(cancellationToken))
        {
            // The kernel's CARP and pfsync state in one exec per firewall. The gateway read stays apart: it runs PHP,
            // which can wait on pfSense's config lock, and must not hold the other two up.
            carp = new CarpStatusService(shell, reporter).ReadAsync(cancellationToken);
            pfsync = new PfsyncService(shell, reporter).ReadAsync(cancellationToken);
        }

        var gateways = new GatewayService(shell, reporter).ReadAsync(cancellationToken);

        var checks = new[]
        {
            Timed(ReadinessChecks.Quorum, () => QuorumAsync(proxmox, cancellationToken)),
            Timed(ReadinessChecks.VmPlacement, async () => ReadinessJudge.VmPlacement(await vms.ConfigureAwait(false))),
            Timed(ReadinessChecks.AntiAffinity, async () => ReadinessJudge.AntiAffinity(AntiAffinityCheck.Evaluate(
                await CheckReader.ReadAntiAffinityAsync(proxmox, session.Definition, await vms.ConfigureAwait(false), cancellationToken).ConfigureAwait(false)))),
            Timed(ReadinessChecks.Symmetry, async () => ReadinessJudge.Symmetry(SymmetryCheck.Evaluate(
                await CheckReader.ReadSymmetryAsync(proxmox, session.Definition, session.Definition.Segments, Array.Empty<string>(),
                    await vms.ConfigureAwait(false), cancellationToken).ConfigureAwait(false)))),
            Timed(ReadinessChecks.SyncPath, async () =>
            {
                var (nodes, failures) = await pfsync.ConfigureAwait(false);
                return ReadinessJudge.SyncPath(session.Definition, await vms.ConfigureAwait(false), nodes, failures);
            }),
            Timed(ReadinessChecks.Carp, async () => ReadinessJudge.Carp(await carp.ConfigureAwait(false))),
            Timed(ReadinessChecks.Standby, async () => ReadinessJudge.Standby(await carp.ConfigureAwait(false))),
            Timed(ReadinessChecks.CarpVips, async () => ReadinessJudge.CarpVips(session.Definition, await vms.ConfigureAwait(false), await carp.ConfigureAwait(false))),
            Timed(ReadinessChecks.Pfsync, async () =>
            {
                var (nodes, failures) = await pfsync.ConfigureAwait(false);
                return ReadinessJudge.Pfsync(nodes, failures);
            }),
            Timed(ReadinessChecks.ConfigDrift, () => DriftAsync(cancellationToken)),
            Timed(ReadinessChecks.Gateways, async () =>
            {
                var (read, failures) = await gateways.ConfigureAwait(false);
                return ReadinessJudge.Gateways(session.Definition, read, failures);
            }),
        };
        try
        {
            HaEdgeCheckResult[] results = await Task.WhenAll(checks).ConfigureAwait(false);
            // Every finding names its edge, as the reads' own do.
            HaEdgeCheckResult[] stamped = results.Select(r => r with { Findings = r.Findings.Select(f => f.In(session.Name)).ToList() }).ToArray();
            return new HaEdgeReadiness { Edge = session.Name, Checks = stamped, CheckedAt = started, Elapsed = watch.Elapsed };
        }
        finally
        {
            reporter.Completed(Activity);
        }
    }

    /// <summary>Runs one check; a check that cannot run (unreachable, refused, timed out) fails alone, the others still report.</summary>
    internal static async Task<HaEdgeCheckResult> Timed(string check, Func<Task<HaEdgeCheckResult>> run)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            HaEdgeCheckResult result = await run().ConfigureAwait(false);
            return result with { Elapsed = watch.Elapsed };
        }
        catch (HaEdgeException e)
        {
            return ReadinessJudge.Failed(check, e, watch.Elapsed);
        }
    }

    private async Task<HaEdgeCheckResult> QuorumAsync(IProxmoxClient proxmox, CancellationToken cancellationToken)
    {
        Task<ClusterStatus> cluster = proxmox.GetClusterStatusAsync(cancellationToken);
        Task<IReadOnlyList<HaStatusEntry>> ha = proxmox.GetHaStatusAsync(cancellationToken);
        await Task.WhenAll(cluster, ha).ConfigureAwait(false);
        return ReadinessJudge.Quorum(session.Definition, cluster.Result, ha.Result);
    }

    private async Task<HaEdgeCheckResult> DriftAsync(CancellationToken cancellationToken)
    {
        if (xmlRpc == null)
        {
            return ReadinessJudge.ConfigDriftNotConfigured(session.Definition);
        }

        var service = new ConfigSyncService(session, xmlRpc);
        PfHaSyncStatus status = await service.ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ConfigDifference> differences = status.SecondarySettings == null || status.Sections.Count == 0
            ? Array.Empty<ConfigDifference>()
            : await service.DriftAsync(status.Sections, cancellationToken).ConfigureAwait(false);
        return ReadinessJudge.ConfigDriftOf(status, differences);
    }
}
