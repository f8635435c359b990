using System;
using System.Management.Automation;
using HaEdge.Core.Model.Runbooks;
using HaEdge.Core.PfSense.Services;
using HaEdge.Core.PfSense.Sync;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>
    /// Every read-only check of the edge in one call, run in parallel: quorum, VM placement, anti-affinity, symmetry,
    /// CARP, pfsync, config drift and gateways. The first line of every runbook.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "HaEdge")]
    [OutputType(typeof(HaEdgeReadiness), typeof(bool))]
    public sealed class TestHaEdgeCommand : PfConfigSyncCmdlet
    {
        /// <summary>Return only $true when the edge is green, $false otherwise.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>Seconds to wait for each firewall's answer.</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = (int)FirewallShell.DefaultTimeout.TotalSeconds;

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            // Without xmlrpc entries the drift check reports NotConfigured instead of failing.
            using (XmlRpcPair? xmlRpc = EdgeReadinessService.DriftConfigured(session.Definition) ? OpenXmlRpc(session) : null)
            {
                var service = new EdgeReadinessService(session, xmlRpc, TimeSpan.FromSeconds(TimeoutSec));
                HaEdgeReadiness readiness = Run((reporter, token) => service.RunAsync(reporter, token));
                foreach (HaEdgeCheckResult check in readiness.Checks)
                {
                    WriteVerbose($"{check.Check}: {check.Verdict} in {check.Elapsed.TotalMilliseconds:0} ms. {check.Summary}");
                }

                WriteObject(Quiet ? (object)readiness.Ready : readiness);
            }
        }
    }
}
