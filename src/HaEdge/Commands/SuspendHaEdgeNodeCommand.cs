using System;
using System.Management.Automation;
using HaEdge.Core.Definition;
using HaEdge.Core.Model.Runbooks;
using HaEdge.Core.PfSense.Sync;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>
    /// Moves the edge off a Proxmox node before its maintenance: CARP maintenance mode on the firewall living there,
    /// verified until the peer owns every VIP, then (with -HaMaintenance) the node's HA maintenance over SSH.
    /// Refuses unless Test-HaEdge is green, or -Force.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Suspend, "HaEdgeNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HaEdgeNodeMaintenanceResult))]
    public sealed class SuspendHaEdgeNodeCommand : PfConfigSyncCmdlet
    {
        /// <summary>The Proxmox node; binds the Node property of Get-HaEdgeNode and Get-HaEdgeVm.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Node { get; set; } = "";

        /// <summary>Also put the node into Proxmox HA maintenance (ha-manager crm-command node-maintenance enable) over SSH.</summary>
        [Parameter]
        public SwitchParameter HaMaintenance { get; set; }

        /// <summary>Go on although Test-HaEdge is not green (a CARP handover that cannot work is still refused).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Seconds to wait for each step (the readiness checks' firewall answers, the VIPs to move, the HA status to show maintenance).</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int Timeout { get; set; } = 60;

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            FirewallDefinition firewall = Check(() => RunbookGate.FirewallOn(session.Definition, Node));
            if (HaMaintenance)
            {
                Check(() => PveNodeShell.TargetFor(session.Definition, firewall.Node));
            }

            var service = new NodeMaintenanceService(session, TimeSpan.FromSeconds(Timeout));
            using (XmlRpcPair? xmlRpc = EdgeReadinessService.DriftConfigured(session.Definition) ? OpenXmlRpc(session) : null)
            {
                Run((reporter, token) => service.GateAsync(new EdgeReadinessService(session, xmlRpc, TimeSpan.FromSeconds(Timeout)), firewall, NodeMaintenanceAction.Suspend, Force, reporter, token));
            }

            string peer = session.Definition.PeerOf(firewall).Name;
            string action = $"CARP maintenance on {firewall.Name} until {peer} owns every VIP"
                + (HaMaintenance ? $", then HA maintenance of {firewall.Node}" : "");
            if (!ShouldProcess(firewall.Node, action))
            {
                return;
            }

            WriteObject(Run((reporter, token) => service.SuspendAsync(firewall, HaMaintenance, TimeSpan.FromSeconds(Timeout), Force, reporter, token)));
        }
    }
}
