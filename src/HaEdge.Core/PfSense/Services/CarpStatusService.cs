using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Model.Carp;
using HaEdge.Core.PfSense.Parsing;

namespace HaEdge.Core.PfSense.Services
{
    /// <summary>Both firewalls' CARP readings and the per-VIP rows judged from them.</summary>
    public sealed class CarpPairReport
    {
        public CarpPairReport(IReadOnlyList<CarpNodeReading> nodes)
        {
            Nodes = nodes;
            Vips = CarpPairAnalyzer.Evaluate(nodes[0], nodes[1]);
        }

        /// <summary>Primary first.</summary>
        public IReadOnlyList<CarpNodeReading> Nodes { get; }

        public IReadOnlyList<CarpVipStatus> Vips { get; }

        /// <summary>Why a firewall could not be read, one per unreadable firewall.</summary>
        public IReadOnlyList<HaEdgeException> Failures => Nodes.Where(n => !n.Reachable).Select(n => n.Failure!).ToList();

        public CarpNodeReading Node(string firewall) => Nodes.First(n => string.Equals(n.Firewall, firewall, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Get-CarpStatus: one exec per firewall (<c>ifconfig</c> and <c>sysctl net.inet.carp</c>), both in parallel.</summary>
    public sealed class CarpStatusService
    {
        private static readonly string[] Commands = { PfSenseCommands.Ifconfig, PfSenseCommands.CarpSysctl };

        private readonly FirewallShell shell;

        public CarpStatusService(FirewallShell shell)
        {
            this.shell = shell;
        }

        public async Task<CarpPairReport> ReadAsync(CancellationToken cancellationToken)
        {
            var answers = await shell.RunOnBothAsync(Commands,
                sections => (Vips: IfconfigParser.Parse(sections[0]).Vips, Sysctl: CarpSysctlParser.Parse(sections[1])), cancellationToken)
                .ConfigureAwait(false);
            return new CarpPairReport(answers.Select(a => a.Succeeded
                ? new CarpNodeReading(a.Firewall.Name, a.Firewall.Role, a.Value.Vips, a.Value.Sysctl)
                : new CarpNodeReading(a.Firewall.Name, a.Firewall.Role, a.Failure!)).ToList());
        }
    }
}
