using System;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Model.Carp;
using HaEdge.Core.PfSense.Services;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>
    /// Every gateway on both firewalls with status, loss and delay, the gateway groups (and tiers) it belongs to, and
    /// whether it carries that firewall's default route; IsMaster tells which firewall is forwarding.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PfGateway")]
    [OutputType(typeof(PfGateway))]
    public sealed class GetPfGatewayCommand : HaEdgeSessionCmdlet
    {
        /// <summary>Seconds to wait for each firewall's answer.</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = (int)FirewallShell.DefaultTimeout.TotalSeconds;

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            var shell = new FirewallShell(session, TimeSpan.FromSeconds(TimeoutSec));
            var (gateways, failures) = Run((reporter, token) => new GatewayService(shell, reporter).ReadAsync(token));
            foreach (HaEdgeException failure in failures)
            {
                WriteFailure(failure);
            }

            WriteObject(gateways, enumerateCollection: true);
        }
    }
}
