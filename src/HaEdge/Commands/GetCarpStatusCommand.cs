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
    protected override void EndProcessing()
    {
        EdgeSession session = CurrentSession;
        if (NothingSelected)
        {
            return;
        }

        var shell = new FirewallShell(session, Timeout);
        // A line of output it cannot read is a warning; the rest of the answer is still read.
        CarpPairReport report = Run((reporter, token) => new CarpStatusService(shell, reporter).ReadAsync(token));
        foreach (HaEdgeException failure in report.Failures.Where(f => Selection.Includes(f.Target)))
        {
            WriteFailure(failure);
        }

        foreach (CarpVipStatus vip in report.Vips.Where(v => Selection.Includes(v.Firewall)))
        {
            WriteObject(vip);
        }
    }
}
