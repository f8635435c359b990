using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Enters or leaves pfSense's persistent CARP maintenance mode on a firewall, waits until the VIPs have moved and
/// says how long it took; undoes the change when they do not move in time.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CarpMaintenance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = EnableSet)]
[OutputType(typeof(CarpMaintenanceResult))]
public sealed class SetCarpMaintenanceCommand : EdgeRowsCmdlet
{
    private const string EnableSet = "Enable";
    private const string DisableSet = "Disable";
    private readonly List<FirewallDefinition> targets = new List<FirewallDefinition>();

    /// <summary>Enter maintenance mode: advskew 254 on every VIP, so the peer takes them all.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EnableSet)]
    public SwitchParameter Enable { get; set; }

    /// <summary>Leave maintenance mode: the configured advskew again (the VIPs come back where preemption applies).</summary>
    [Parameter(Mandatory = true, ParameterSetName = DisableSet)]
    public SwitchParameter Disable { get; set; }

    /// <summary>The firewall to change (wildcards allowed); by default the primary. Binds strings and the Firewall property of Get-CarpStatus rows.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(FirewallNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Names("Firewall")]
    public string[]? Firewall { get; set; }

    /// <summary>How long to wait for the handover before undoing the change: a duration, a number being seconds (1 s to 1 h).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(1, MaximumSeconds = 3600)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Do not wait for the handover (it is then not verified and not undone).</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>With -Enable on both firewalls: enter maintenance mode on both (the second is then not waited for: no peer can take over).</summary>
    [Parameter(ParameterSetName = EnableSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>Return a CarpMaintenanceResult with the time taken and the pair's new status.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        EdgeSession session = OneEdgeOfRecords();
        IEnumerable<FirewallDefinition> named = Firewall == null ? new[] { session.Definition.Primary } : FirewallsNamed(session, Firewall);
        // Pipeline rows repeat a firewall once per VIP: each firewall is changed once, at the end.
        targets.AddRange(named.Where(f => !targets.Contains(f)));
    }

    protected override void EndProcessing()
    {
        EdgeSession session = SessionsOfAllRecords[0];
        var shell = new FirewallShell(session, FirewallShell.DefaultTimeout);
        var service = new CarpMaintenanceService(shell);
        bool enable = Enable.IsPresent;
        if (!Force && CarpMaintenanceService.RefuseWholeEdge(targets, enable) is HaEdgeException refusal)
        {
            ThrowTerminatingError(ErrorFrom(refusal));
        }

        foreach (FirewallDefinition firewall in targets)
        {
            FirewallDefinition peer = session.Definition.PeerOf(firewall);
            // Forced onto both: the second one's peer is in maintenance already, so there is no handover to check or wait for.
            bool lastStanding = enable && targets.IndexOf(firewall) > 0;
            try
            {
                Await((_, token) => service.CheckAsync(firewall, enable && !lastStanding, token));
                string action = lastStanding
                    ? $"Enter CARP maintenance mode (advskew 254 on every VIP) although {peer.Name} is in maintenance mode too: no firewall stands by"
                    : enable
                    ? $"Enter CARP maintenance mode (advskew 254 on every VIP): {peer.Name} takes over every VIP"
                    : $"Leave CARP maintenance mode (configured advskew again): the VIPs return where preemption applies";
                if (!ShouldProcess(firewall.Name, action))
                {
                    continue;
                }

                CarpMaintenanceResult result;
                using (HoldForChange(session, $"{(enable ? "enter" : "leave")} maintenance on {firewall.Name}"))
                {
                    result = Await((reporter, token) => service.SetAsync(firewall, enable, !NoWait && !lastStanding, Timeout, reporter, token));
                }

                if (PassThru)
                {
                    WriteObject(result);
                }
            }
            catch (HaEdgeException e)
            {
                WriteFailure(e);
            }
        }
    }
}
