using System;
using System.Management.Automation;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.PfSense;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

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

    /// <summary>How long to wait for each firewall's answer: a duration, a number being seconds (1 s to 5 min).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(1, MaximumSeconds = 300)]
    public TimeSpan Timeout { get; set; } = FirewallShell.DefaultTimeout;

    protected override void ProcessRecord()
    {
        EdgeSession session = CurrentSession;
        // Without xmlrpc entries the drift check reports NotConfigured instead of failing.
        using (XmlRpcPair? xmlRpc = OpenXmlRpcForDrift(session))
        {
            var service = new EdgeReadinessService(session, xmlRpc, Timeout);
            HaEdgeReadiness readiness = Run((reporter, token) => service.RunAsync(reporter, token));
            foreach (HaEdgeCheckResult check in readiness.Checks)
            {
                WriteVerbose($"{check.Check}: {check.Verdict} in {check.Elapsed.TotalMilliseconds:0} ms. {check.Summary}");
            }

            WriteObject(Quiet ? (object)readiness.Ready : readiness);
        }
    }
}
