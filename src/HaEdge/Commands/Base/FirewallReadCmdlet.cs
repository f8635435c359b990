using System;
using System.Management.Automation;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;

namespace HaEdge.Commands;

/// <summary>
/// A read of both firewalls over SSH (Get-CarpStatus, Get-PfGateway, Get-PfsyncStatus): -Firewall chooses whose rows
/// are shown, collected over the whole pipeline so the pair is read once, at the end; -Timeout bounds each answer.
/// </summary>
public abstract class FirewallReadCmdlet : HaEdgeSessionCmdlet
{
    /// <summary>Only the rows of these firewalls, by their name in the edge definition (wildcards allowed). Binds strings and the Firewall property of HaEdge objects.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(FirewallNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Names("Firewall")]
    public string[]? Firewall { get; set; }

    /// <summary>How long to wait for each firewall's answer: a duration, a number being seconds (1 s to 5 min).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(1, MaximumSeconds = 300)]
    public TimeSpan Timeout { get; set; } = FirewallShell.DefaultTimeout;

    /// <summary>The firewalls named so far in the pipeline.</summary>
    private protected FirewallSelection Selection { get; } = new FirewallSelection();

    /// <summary>True when -Firewall named only firewalls (or wildcards) that are not there: nothing to read.</summary>
    protected bool NothingSelected => Selection.Names?.Length == 0;

    protected override void ProcessRecord() => Selection.Add(Firewall == null ? null : FirewallsNamed(CurrentSession, Firewall));
}
