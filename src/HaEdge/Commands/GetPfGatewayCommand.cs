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
    protected override void EndProcessing() =>
        ReadEachEdge<PfGateway>(async (shell, reporter, token) => await new GatewayService(shell, reporter).ReadAsync(token).ConfigureAwait(false),
            gateway => gateway.Firewall, (gateway, edge) => gateway with { Edge = edge },
            (session, gateways) => GatewayNameCompleter.Remember(session, gateways.Select(g => g.Name)));
}
