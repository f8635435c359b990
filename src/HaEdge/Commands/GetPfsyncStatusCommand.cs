using System;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// pfsync on both firewalls (syncdev, syncpeer, syncok), their state counts and state-creator host ids, and a verdict:
/// in sync or not, and why. One object per firewall; an unreadable firewall is also a non-terminating error.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PfsyncStatus")]
[OutputType(typeof(PfsyncNodeStatus))]
public sealed class GetPfsyncStatusCommand : FirewallReadCmdlet
{
    protected override void EndProcessing()
    {
        EdgeSession session = CurrentSession;
        if (NothingSelected)
        {
            return;
        }

        var shell = new FirewallShell(session, Timeout);
        var (nodes, failures) = Run((reporter, token) => new PfsyncService(shell, reporter).ReadAsync(token));
        foreach (HaEdgeException failure in failures.Where(f => Selection.Includes(f.Target)))
        {
            WriteFailure(failure);
        }

        WriteObject(nodes.Where(n => Selection.Includes(n.Firewall)), enumerateCollection: true);
    }
}
