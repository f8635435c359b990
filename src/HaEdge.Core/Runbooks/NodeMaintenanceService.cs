using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.PfSense;
using HaEdge.Core.Session;

namespace HaEdge.Core.Runbooks;

/// <summary>
/// Suspend-/Resume-HaEdgeNode: moves the edge off a Proxmox node (CARP maintenance on the firewall living there,
/// then optionally the node's HA maintenance) and back in the reverse order, each step verified before the next.
/// </summary>
internal sealed class NodeMaintenanceService
{
    private const string Activity = "HA node maintenance";
    private readonly EdgeSession session;
    private readonly CarpMaintenanceService carp;
    private readonly PveNodeShell pve;

    /// <param name="session">The edge.</param>
    /// <param name="sshTimeout">How long each firewall command may take.</param>
    public NodeMaintenanceService(EdgeSession session, TimeSpan sshTimeout)
    {
        this.session = session;
        carp = new CarpMaintenanceService(new FirewallShell(session, sshTimeout));
        pve = new PveNodeShell(session, TimeSpan.FromSeconds(30));
    }

    /// <summary>How often the HA status is re-read while waiting for the node's maintenance mode to show.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The command PVE offers only on a node's command line. The node name goes into a shell command, so it is checked here too.</summary>
    public static string HaMaintenanceCommand(string node, bool enable) =>
        ProxmoxNodeName.IsValid(node)
            ? $"ha-manager crm-command node-maintenance {(enable ? "enable" : "disable")} {node}"
            : throw new HaEdgeException("NodeNameInvalid", FailureKind.InvalidArgument, $"'{UntrustedText.ForMessage(node)}' is not a Proxmox node name.", node);

    /// <summary>
    /// Suspending the nodes of both firewalls in one run: refused before anything changes, -Force or not, since the
    /// second handover could only go to a firewall already in maintenance mode. Null for one node, or for a resume.
    /// </summary>
    public static HaEdgeException? RefuseBothNodes(IReadOnlyCollection<FirewallDefinition> firewalls, NodeMaintenanceAction action) =>
        action == NodeMaintenanceAction.Suspend && firewalls.Count > 1
            ? new HaEdgeException("NodeMaintenanceWholeEdge", FailureKind.InvalidOperation,
                $"Nothing was changed: {string.Join(" and ", firewalls.Select(f => f.Node))} carry both firewalls of the pair "
                + $"({string.Join(" and ", firewalls.Select(f => f.Name))}), and once the first is moved off no firewall stands by for the "
                + "second. Suspend one node, do its maintenance and resume it, then the other.", string.Join(",", firewalls.Select(f => f.Node)))
            : null;

    /// <summary>
    /// Refuses before anything changes: when Test-HaEdge is not green (unless <paramref name="force"/>, which only
    /// warns), and always when the CARP handover cannot work (see <see cref="CarpMaintenanceService.CheckAsync"/>).
    /// With <paramref name="whatIf"/> a refusal is a warning, so -WhatIf shows the gate's verdict beside the plan.
    /// </summary>
    public async Task<HaEdgeReadiness> GateAsync(EdgeReadinessService readiness, FirewallDefinition firewall, NodeMaintenanceAction action, bool force,
        bool whatIf, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        HaEdgeReadiness verdict = await readiness.RunAsync(reporter, cancellationToken).ConfigureAwait(false);
        var blockers = RunbookGate.Blockers(verdict, action, firewall);
        if (blockers.Count > 0)
        {
            if (force) reporter.Warning("-Force: going on although Test-HaEdge is not green: " + string.Join(" ", blockers.Select(f => $"{f.Code} [{f.Target}]: {f.Message}")));
            else if (whatIf) reporter.Warning(WouldStop(RunbookGate.Refusal(firewall.Node, action, blockers)));
            else throw RunbookGate.Refusal(firewall.Node, action, blockers);
        }

        try
        {
            await carp.CheckAsync(firewall, action == NodeMaintenanceAction.Suspend, cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException refusal) when (whatIf)
        {
            reporter.Warning(WouldStop(refusal));
        }

        return verdict;
    }

    private static string WouldStop(HaEdgeException refusal) => $"-WhatIf: without it the run would stop here ({refusal.ErrorId}): {refusal.Message}";

    public async Task<HaEdgeNodeMaintenanceResult> SuspendAsync(FirewallDefinition firewall, bool haMaintenance, TimeSpan timeout, bool forced,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        // The edge leaves first: a node drained by HA while its firewall is still MASTER would drop traffic.
        CarpMaintenanceResult moved = await carp.SetAsync(firewall, true, true, timeout, reporter, cancellationToken).ConfigureAwait(false);
        bool? ha = null;
        if (haMaintenance)
        {
            await SetHaMaintenanceAsync(firewall, true, timeout, reporter, cancellationToken).ConfigureAwait(false);
            ha = true;
        }

        return Result(firewall, NodeMaintenanceAction.Suspend, moved, ha, forced, watch.Elapsed);
    }

    public async Task<HaEdgeNodeMaintenanceResult> ResumeAsync(FirewallDefinition firewall, bool haMaintenance, TimeSpan timeout, bool forced,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        bool? ha = null;
        if (haMaintenance)
        {
            await SetHaMaintenanceAsync(firewall, false, timeout, reporter, cancellationToken).ConfigureAwait(false);
            ha = false;
        }

        // Leaving maintenance is verified as the failback: one MASTER per VIP, this firewall where preemption applies.
        CarpMaintenanceResult back = await carp.SetAsync(firewall, false, true, timeout, reporter, cancellationToken).ConfigureAwait(false);
        return Result(firewall, NodeMaintenanceAction.Resume, back, ha, forced, watch.Elapsed);
    }

    private async Task SetHaMaintenanceAsync(FirewallDefinition firewall, bool enable, TimeSpan timeout, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        string node = firewall.Node;
        string command = HaMaintenanceCommand(node, enable);
        reporter.Progress(Activity, $"{node}: {command}", -1);
        try
        {
            try
            {
                await pve.RunAsync(node, command, cancellationToken).ConfigureAwait(false);
            }
            catch (HaEdgeException e) when (enable)
            {
                throw Incomplete(firewall, e.Message, e);
            }

            var watch = Stopwatch.StartNew();
            while (ReadinessJudge.NodesInHaMaintenance(await session.Proxmox.GetHaStatusAsync(cancellationToken).ConfigureAwait(false))
                       .Contains(node, StringComparer.OrdinalIgnoreCase) != enable)
            {
                if (watch.Elapsed >= timeout)
                {
                    string why = $"the HA status does not show {node} {(enable ? "in" : "out of")} maintenance mode after {watch.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
                    throw enable
                        ? Incomplete(firewall, why, null)
                        : new HaEdgeException("HaMaintenanceTimeout", FailureKind.OperationTimeout,
                            $"Resume of {node} stopped before the CARP failback: {why}. {firewall.Name} is still in CARP maintenance; check ha-manager status on {node}.", node);
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }

            reporter.Verbose($"{node} is {(enable ? "in" : "out of")} HA maintenance after {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s.");
        }
        finally
        {
            reporter.Completed(Activity);
        }
    }

    /// <summary>The edge already moved off the node; only the HA part is missing, which the message says plainly.</summary>
    private static HaEdgeException Incomplete(FirewallDefinition firewall, string why, Exception? inner) =>
        new HaEdgeException("HaMaintenanceNotEntered", FailureKind.InvalidOperation,
            $"{firewall.Name} is in CARP maintenance (its peer holds every VIP), but {firewall.Node} did not enter HA maintenance: {why}. "
            + $"Fix that and run Suspend-HaEdgeNode -Node {firewall.Node} -HaMaintenance again, or Resume-HaEdgeNode -Node {firewall.Node} to undo.", firewall.Node, inner);

    private HaEdgeNodeMaintenanceResult Result(FirewallDefinition firewall, NodeMaintenanceAction action, CarpMaintenanceResult carpResult, bool? ha,
        bool forced, TimeSpan elapsed) => new HaEdgeNodeMaintenanceResult
        {
            Node = firewall.Node,
            Action = action,
            Firewall = firewall.Name,
            Peer = session.Definition.PeerOf(firewall).Name,
            Verified = carpResult.Verified,
            HaMaintenance = ha,
            Forced = forced,
            Elapsed = elapsed,
            Carp = carpResult,
            Vips = carpResult.Status,
        };
}
