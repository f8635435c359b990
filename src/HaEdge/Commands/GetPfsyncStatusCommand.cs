using System;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Model.Carp;
using HaEdge.Core.PfSense.Services;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>
    /// pfsync on both firewalls (syncdev, syncpeer, syncok), their state counts and state-creator host ids, and a verdict:
    /// in sync or not, and why. One object per firewall; an unreadable firewall is also a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PfsyncStatus")]
    [OutputType(typeof(PfsyncNodeStatus))]
    public sealed class GetPfsyncStatusCommand : HaEdgeSessionCmdlet
    {
        /// <summary>Seconds to wait for each firewall's answer.</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = (int)FirewallShell.DefaultTimeout.TotalSeconds;

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            var shell = new FirewallShell(session, TimeSpan.FromSeconds(TimeoutSec));
            var (nodes, failures) = Run((reporter, token) => new PfsyncService(shell, reporter).ReadAsync(token));
            foreach (HaEdgeException failure in failures)
            {
                WriteFailure(failure);
            }

            WriteObject(nodes, enumerateCollection: true);
        }
    }
}
