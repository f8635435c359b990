using System;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Model.Carp;
using HaEdge.Core.PfSense.Services;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>
    /// Every CARP VIP on both firewalls: one object per VIP per firewall, each carrying its VIP's pair verdict and flags.
    /// Both firewalls are read in parallel, one SSH exec each; an unreadable firewall is a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CarpStatus")]
    [OutputType(typeof(CarpVipStatus))]
    public sealed class GetCarpStatusCommand : HaEdgeSessionCmdlet
    {
        /// <summary>Only the rows of these firewalls (both are still read: the verdict needs the pair).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Firewall { get; set; }

        /// <summary>Seconds to wait for each firewall's answer.</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = (int)FirewallShell.DefaultTimeout.TotalSeconds;

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            string[]? names = Firewall?.Select(name => Check(() => session.Firewall(name)).Name).ToArray();
            var shell = new FirewallShell(session, TimeSpan.FromSeconds(TimeoutSec));
            // A line of output it cannot read is a warning; the rest of the answer is still read.
            CarpPairReport report = Run((reporter, token) => new CarpStatusService(shell, reporter).ReadAsync(token));
            foreach (HaEdgeException failure in report.Failures.Where(f => names == null || names.Contains(f.Target, StringComparer.OrdinalIgnoreCase)))
            {
                WriteFailure(failure);
            }

            foreach (CarpVipStatus vip in report.Vips.Where(v => names == null || names.Contains(v.Firewall, StringComparer.OrdinalIgnoreCase)))
            {
                WriteObject(vip);
            }
        }
    }
}
