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
    /// Brings the edge back onto a Proxmox node after its maintenance: (with -HaMaintenance) the node out of HA
    /// maintenance over SSH, then the firewall living there out of CARP maintenance, verified until the VIPs failed
    /// back. Refuses unless Test-HaEdge is green apart from that firewall's maintenance mode, or -Force.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Resume, "HaEdgeNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HaEdgeNodeMaintenanceResult))]
    public sealed class ResumeHaEdgeNodeCommand : PfConfigSyncCmdlet
    {
        /// <summary>The Proxmox node; binds the Node property of Get-HaEdgeNode and Get-HaEdgeVm.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Node { get; set; } = "";

        /// <summary>Also take the node out of Proxmox HA maintenance (ha-manager crm-command node-maintenance disable) over SSH, first.</summary>
        [Parameter]
        public SwitchParameter HaMaintenance { get; set; }

        /// <summary>Go on although Test-HaEdge finds more wrong than the firewall's own maintenance mode.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Seconds to wait for each step (the readiness checks' firewall answers, the HA status to show the node out of maintenance, the VIPs to fail back).</summary>
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
                Run((reporter, token) => service.GateAsync(new EdgeReadinessService(session, xmlRpc, TimeSpan.FromSeconds(Timeout)), firewall, NodeMaintenanceAction.Resume, Force, reporter, token));
            }

            string peer = session.Definition.PeerOf(firewall).Name;
            string action = (HaMaintenance ? $"HA maintenance of {firewall.Node} off, then " : "")
                + $"CARP maintenance off on {firewall.Name}, until the VIPs are back from {peer}";
            if (!ShouldProcess(firewall.Node, action))
            {
                return;
            }

            WriteObject(Run((reporter, token) => service.ResumeAsync(firewall, HaMaintenance, TimeSpan.FromSeconds(Timeout), Force, reporter, token)));
        }
    }
}
