using System;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Carp;
using HaEdge.Core.PfSense;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Every CARP VIP on both firewalls: one object per VIP per firewall, each carrying its VIP's pair verdict and flags.
/// Both firewalls are read in parallel, one SSH exec each; an unreadable firewall is a non-terminating error.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CarpStatus")]
[OutputType(typeof(CarpVipStatus))]
public sealed class GetCarpStatusCommand : FirewallReadCmdlet
{
    // A line of output it cannot read is a warning; the rest of the answer is still read.
    protected override void EndProcessing() =>
        ReadEachEdge<CarpVipStatus>(async (shell, reporter, token) =>
        {
            CarpPairReport report = await new CarpStatusService(shell, reporter).ReadAsync(token).ConfigureAwait(false);
            return (report.Vips, report.Failures);
        }, vip => vip.Firewall, (vip, edge) => vip with { Edge = edge });
}
