using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// What Suspend-HaEdgeNode and Resume-HaEdgeNode share: the parameters, the runbook gate (Test-HaEdge green
/// unless -Force), one ShouldProcess for the whole move, and the typed result. They differ only in direction.
/// </summary>
public abstract class NodeMaintenanceCmdlet : PfConfigSyncCmdlet
{
    /// <summary>The firewalls of the nodes piped in, in the order first named; moved at the end.</summary>
    private readonly List<FirewallDefinition> targets = new List<FirewallDefinition>();

    /// <summary>
    /// The session to use (a session object, or an open session's edge name or Id); by default the current one.
    /// Binds the Edge property of piped rows (as EdgeRowsCmdlet's does; this cmdlet needs PfConfigSyncCmdlet's base).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Edge")]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public override EdgeSession[]? Session { get => base.Session; set => base.Session = value; }

    /// <summary>The Proxmox node; binds strings and the Node property of Get-HaEdgeNode and Get-HaEdgeVm.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Names("Node")]
    public string Node { get; set; } = "";

    /// <summary>Also change the node's Proxmox HA maintenance (ha-manager crm-command node-maintenance) over SSH.</summary>
    [Parameter]
    public SwitchParameter HaMaintenance { get; set; }

    /// <summary>Go on although Test-HaEdge is not green (a CARP handover that cannot work is still refused).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How long to wait for each step (the readiness checks' firewall answers, the VIPs to move, the HA status): a duration, a number being seconds (1 s to 1 h).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(1, MaximumSeconds = 3600)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    protected abstract NodeMaintenanceAction Action { get; }

    /// <summary>-WhatIf given, or $WhatIfPreference set: the gate then reports instead of refusing.</summary>
    private bool WhatIfRequested =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf) ? ((SwitchParameter)whatIf).IsPresent
            : SessionState.PSVariable.GetValue("WhatIfPreference") is object preference && LanguagePrimitives.IsTrue(preference);

    /// <summary>The ShouldProcess sentence for moving <paramref name="firewall"/>'s VIPs relative to <paramref name="peer"/>.</summary>
    protected abstract string Describe(FirewallDefinition firewall, string peer);

    private protected abstract Task<HaEdgeNodeMaintenanceResult> ExecuteAsync(NodeMaintenanceService service, FirewallDefinition firewall,
        IOperationReporter reporter, CancellationToken token);

    protected override void ProcessRecord()
    {
        EdgeSession session = OneEdgeOfRecords();
        FirewallDefinition firewall = Check(() => RunbookGate.FirewallOn(session.Definition, Node));
        if (HaMaintenance)
        {
            Check(() => PveNodeShell.TargetFor(session.Definition, firewall.Node));
        }

        // Acts at the end, once every record has been seen: rows of a second edge are refused before anything changes.
        if (!targets.Contains(firewall))
        {
            targets.Add(firewall);
        }
    }

    protected override void EndProcessing()
    {
        if (targets.Count == 0)
        {
            return;
        }

        EdgeSession session = SessionsOfAllRecords[0];
        if (NodeMaintenanceService.RefuseBothNodes(targets, Action) is HaEdgeException refusal)
        {
            ThrowTerminatingError(ErrorFrom(refusal));
        }

        var service = new NodeMaintenanceService(session, Timeout);
        // One hold for the whole run, gates included: no other change can come between a gate and its move. -WhatIf
        // changes nothing, so it holds nothing and is not refused while another change runs.
        using (WhatIfRequested ? null : HoldForChange(session, string.Join(", ", targets.Select(f => f.Node))))
        {
            foreach (FirewallDefinition firewall in targets)
            {
                using (XmlRpcPair? xmlRpc = EdgeReadinessService.DriftConfigured(session.Definition) ? OpenXmlRpc(session) : null)
                {
                    Run((reporter, token) => service.GateAsync(new EdgeReadinessService(session, xmlRpc, Timeout), firewall, Action, Force, WhatIfRequested, reporter, token));
                }

                if (ShouldProcess(firewall.Node, Describe(firewall, session.Definition.PeerOf(firewall).Name)))
                {
                    WriteObject(Run((reporter, token) => ExecuteAsync(service, firewall, reporter, token)));
                }
            }
        }
    }
}
