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
    protected override void EndProcessing() =>
        ReadEachEdge<PfsyncNodeStatus>(async (shell, reporter, token) => await new PfsyncService(shell, reporter).ReadAsync(token).ConfigureAwait(false),
            node => node.Firewall, (node, edge) => node with { Edge = edge });
}
