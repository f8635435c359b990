using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// A read of both firewalls over SSH (Get-CarpStatus, Get-PfGateway, Get-PfsyncStatus): -Firewall chooses whose rows
/// are shown, collected over the whole pipeline so the pair is read once, at the end; -Timeout bounds each answer.
/// </summary>
public abstract class FirewallReadCmdlet : EdgeRowsCmdlet
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

    /// <summary>With several sessions: how many edges are read at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>The firewalls named so far in the pipeline, per edge (a piped row's own, by its Edge).</summary>
    private readonly Dictionary<EdgeSession, FirewallSelection> selections = new Dictionary<EdgeSession, FirewallSelection>();

    protected override void ProcessRecord() => SelectFirewalls(selections, Firewall);

    /// <summary>
    /// Reads each edge (in parallel, -ThrottleLimit at once, each written as it finishes) and writes the rows of the
    /// selected firewalls, each stamped with its edge, and each selected firewall's failure as a non-terminating
    /// error (with several edges, its message names the edge).
    /// </summary>
    private protected void ReadEachEdge<T>(Func<FirewallShell, IOperationReporter, CancellationToken, Task<(IReadOnlyList<T> Rows, IReadOnlyList<HaEdgeException> Failures)>> read,
        Func<T, string> firewallOf, Func<T, string, T> stamp, Action<EdgeSession, IReadOnlyList<T>>? seen = null)
    {
        bool several = selections.Count > 1;
        // An edge whose -Firewall named only wildcards that matched none has nothing to read.
        List<EdgeSession> sessions = selections.Where(s => s.Value.Names?.Length != 0).Select(s => s.Key).ToList();
        ForEachEdge(sessions, ThrottleLimit, (session, reporter, token) => read(new FirewallShell(session, Timeout), reporter, token), (session, answer) =>
        {
            seen?.Invoke(session, answer.Rows);
            foreach (HaEdgeException failure in answer.Failures.Where(f => selections[session].Includes(f.Target)))
            {
                WriteError(ErrorIn(session, failure, several));
            }

            foreach (T row in answer.Rows.Where(r => selections[session].Includes(firewallOf(r))))
            {
                WriteObject(stamp(row, session.Name));
            }
        });
    }
}
