using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.PfSense;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Every read-only check of the edge in one call, run in parallel: quorum, VM placement, anti-affinity, symmetry,
/// CARP, pfsync, config drift and gateways. The first line of every runbook. With several sessions it checks the
/// edges in parallel (up to -ThrottleLimit at once) and writes each edge's result as it finishes.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HaEdge")]
[OutputType(typeof(HaEdgeReadiness), typeof(bool))]
public sealed class TestHaEdgeCommand : EdgeFleetCmdlet
{
    /// <summary>Return only $true when the edge (every edge, with several sessions) is green, $false otherwise.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>How long to wait for each firewall's answer: a duration, a number being seconds (1 s to 5 min).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(1, MaximumSeconds = 300)]
    public TimeSpan Timeout { get; set; } = FirewallShell.DefaultTimeout;

    /// <summary>With several sessions: how many edges are checked at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessSessions()
    {
        IReadOnlyList<EdgeSession> sessions = CurrentSessions;
        bool several = sessions.Count > 1;
        bool allReady = true;
        ForEachEdge(sessions, ThrottleLimit, CheckAsync, (_, readiness) =>
        {
            Write(readiness, several);
            allReady &= readiness.Ready;
        }, _ => allReady = false);

        if (Quiet)
        {
            WriteObject(allReady);
        }
    }

    private async Task<HaEdgeReadiness> CheckAsync(EdgeSession session, IOperationReporter reporter, CancellationToken token)
    {
        // Without xmlrpc entries the drift check reports NotConfigured instead of failing.
        using XmlRpcPair? xmlRpc = OpenXmlRpcForDrift(session);
        return await new EdgeReadinessService(session, xmlRpc, Timeout).RunAsync(reporter, token).ConfigureAwait(false);
    }

    private void Write(HaEdgeReadiness readiness, bool several)
    {
        foreach (HaEdgeCheckResult check in readiness.Checks)
        {
            WriteVerbose($"{(several ? readiness.Edge + ": " : "")}{check.Check}: {check.Verdict} in {check.Elapsed.TotalMilliseconds:0} ms. {check.Summary}");
        }

        if (!Quiet)
        {
            WriteObject(readiness);
        }
    }
}
