using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Runbooks;

namespace HaEdge.Commands;

/// <summary>
/// Moves the edge off a Proxmox node before its maintenance: CARP maintenance mode on the firewall living there,
/// verified until the peer owns every VIP, then (with -HaMaintenance) the node's HA maintenance over SSH.
/// Refuses unless Test-HaEdge is green, or -Force.
/// </summary>
[Cmdlet(VerbsLifecycle.Suspend, "HaEdgeNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(HaEdgeNodeMaintenanceResult))]
public sealed class SuspendHaEdgeNodeCommand : NodeMaintenanceCmdlet
{
    protected override NodeMaintenanceAction Action => NodeMaintenanceAction.Suspend;

    protected override string Describe(FirewallDefinition firewall, string peer) =>
        $"CARP maintenance on {firewall.Name} until {peer} owns every VIP" + (HaMaintenance ? $", then HA maintenance of {firewall.Node}" : "");

    private protected override Task<HaEdgeNodeMaintenanceResult> ExecuteAsync(NodeMaintenanceService service, FirewallDefinition firewall,
        IOperationReporter reporter, CancellationToken token) =>
        service.SuspendAsync(firewall, HaMaintenance, Timeout, Force, reporter, token);
}
