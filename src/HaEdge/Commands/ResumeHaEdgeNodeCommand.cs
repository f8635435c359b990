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
/// Brings the edge back onto a Proxmox node after its maintenance: (with -HaMaintenance) the node out of HA
/// maintenance over SSH, then the firewall living there out of CARP maintenance, verified until the VIPs failed
/// back. Refuses unless Test-HaEdge is green apart from that firewall's maintenance mode, or -Force.
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "HaEdgeNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(HaEdgeNodeMaintenanceResult))]
public sealed class ResumeHaEdgeNodeCommand : NodeMaintenanceCmdlet
{
    protected override NodeMaintenanceAction Action => NodeMaintenanceAction.Resume;

    protected override string Describe(FirewallDefinition firewall, string peer) =>
        (HaMaintenance ? $"HA maintenance of {firewall.Node} off, then " : "") + $"CARP maintenance off on {firewall.Name}, until the VIPs are back from {peer}";

    private protected override Task<HaEdgeNodeMaintenanceResult> ExecuteAsync(NodeMaintenanceService service, FirewallDefinition firewall,
        IOperationReporter reporter, CancellationToken token) =>
        service.ResumeAsync(firewall, HaMaintenance, Timeout, Force, reporter, token);
}
