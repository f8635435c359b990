using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Carp;

/// <summary>
/// Get-CarpStatus: one exec per firewall (<c>ifconfig</c> and <c>sysctl net.inet.carp</c>), both in parallel. The
/// firewall's reading needs both: either failing makes that firewall unreadable, with the command's own error.
/// </summary>
internal sealed class CarpStatusService
{
    private static readonly string[] Commands = { PfSenseCommands.Ifconfig, PfSenseCommands.CarpSysctl };

    private readonly FirewallShell shell;
    private readonly IOperationReporter reporter;

    /// <param name="reporter">Told about each output line skipped (a warning naming the firewall and the line).</param>
    public CarpStatusService(FirewallShell shell, IOperationReporter? reporter = null)
    {
        this.shell = shell;
        this.reporter = reporter ?? SilentReporter.Instance;
    }

    public async Task<CarpPairReport> ReadAsync(CancellationToken cancellationToken)
    {
        var answers = await shell.RunOnBothAsync(async (firewall, token) =>
        {
            var outputs = await shell.AskAsync(firewall, Commands, token).ConfigureAwait(false);
            return (Vips: outputs[0].Parse(IfconfigParser.Read, reporter).Vips, Sysctl: outputs[1].Parse(CarpSysctlParser.Read, reporter));
        }, cancellationToken).ConfigureAwait(false);
        return new CarpPairReport(answers.Select(a => a.Succeeded
            ? new CarpNodeReading(a.Firewall.Name, a.Firewall.Role, a.Value.Vips, a.Value.Sysctl)
            : new CarpNodeReading(a.Firewall.Name, a.Firewall.Role, a.Failure!)).ToList());
    }
}
