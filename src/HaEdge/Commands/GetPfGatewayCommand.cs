using System;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Every gateway on both firewalls with status, loss and delay, the gateway groups (and tiers) it belongs to, and
/// whether it carries that firewall's default route; IsMaster tells which firewall is forwarding.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PfGateway")]
[OutputType(typeof(PfGateway))]
public sealed class GetPfGatewayCommand : FirewallReadCmdlet
{
    protected override void EndProcessing()
    {
        EdgeSession session = CurrentSession;
        if (NothingSelected)
        {
            return;
        }

        var shell = new FirewallShell(session, Timeout);
        var (gateways, failures) = Run((reporter, token) => new GatewayService(shell, reporter).ReadAsync(token));
        GatewayNameCompleter.Remember(session, gateways.Select(g => g.Name));
        foreach (HaEdgeException failure in failures.Where(f => Selection.Includes(f.Target)))
        {
            WriteFailure(failure);
        }

        WriteObject(gateways.Where(g => Selection.Includes(g.Firewall)), enumerateCollection: true);
    }
}
