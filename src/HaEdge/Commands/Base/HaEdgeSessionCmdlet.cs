using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>A cmdlet that works on an edge: the session given with -Session, else the runspace's current one.</summary>
public abstract class HaEdgeSessionCmdlet : HaEdgeCmdlet
{
    /// <summary>The sessions the pipeline's records named so far, in the order first named.</summary>
    private readonly List<EdgeSession> recordSessions = new List<EdgeSession>();

    /// <summary>
    /// The session to use (a session object, or an open session's edge name or Id); by default the one the last
    /// Connect-HaEdge opened in this runspace. Cmdlets that read many edges at once take several.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public virtual EdgeSession[]? Session { get; set; }

    /// <summary>The session in force, or a terminating error that says how to get one (or that this cmdlet works on one edge).</summary>
    protected EdgeSession CurrentSession
    {
        get
        {
            IReadOnlyList<EdgeSession> sessions = CurrentSessions;
            if (sessions.Count > 1)
            {
                ThrowTerminatingError(Error("OneEdgeAtATime", ErrorCategory.InvalidArgument,
                    $"{MyInvocation.MyCommand.Name} works on one edge at a time, and -Session names {sessions.Count} ({string.Join(", ", sessions.Select(s => s.Name))}): run it once per edge (the reads read many at once: Test-HaEdge, Test-HaEdgeConnection, Test-HaEdgeSymmetry, Get-CarpStatus, Get-PfGateway, Get-PfsyncStatus, Get-PfHaSync, Compare-PfConfig, Get-HaEdgeVm, Get-HaEdgeNode, Export-HaEdgeMetric and Watch-HaEdge).",
                    null));
            }

            return sessions[0];
        }
    }

    /// <summary>The sessions -Session names (each open), else the runspace's current one; a terminating error when there is none.</summary>
    protected IReadOnlyList<EdgeSession> CurrentSessions
    {
        get
        {
            EdgeSession[] sessions = SessionStore.NamedOrCurrent(Session);
            if (sessions.Length == 0 || sessions.Any(s => !s.IsOpen))
            {
                ThrowTerminatingError(Error("NoHaEdgeSession", ErrorCategory.ConnectionError,
                    "No open HaEdge session: run Connect-HaEdge -Path <edge definition> first, or pass -Session.", null));
            }

            return sessions.Distinct().ToArray();
        }
    }

    /// <summary>
    /// The sessions of the pipeline record being processed (given, bound from a piped row's Edge, or the current
    /// one), remembered in <see cref="SessionsOfAllRecords"/> for a cmdlet that acts once, at the end.
    /// </summary>
    private protected IReadOnlyList<EdgeSession> SessionsOfRecord()
    {
        IReadOnlyList<EdgeSession> sessions = CurrentSessions;
        recordSessions.AddRange(sessions.Where(s => !recordSessions.Contains(s)));
        return sessions;
    }

    /// <summary>Every session the pipeline's records named, in the order first named; the current ones when no record was processed.</summary>
    private protected IReadOnlyList<EdgeSession> SessionsOfAllRecords => recordSessions.Count > 0 ? recordSessions : CurrentSessions;

    /// <summary>
    /// For a change: the one edge of this record, which every record of the pipeline must share; rows piped from two
    /// edges are a terminating OneEdgeAtATime error (a change never spreads to a second edge unasked).
    /// </summary>
    private protected EdgeSession OneEdgeOfRecords()
    {
        EdgeSession session = CurrentSession;
        if (recordSessions.Count > 0 && recordSessions[0] != session)
        {
            ThrowTerminatingError(Error("OneEdgeAtATime", ErrorCategory.InvalidArgument,
                $"{MyInvocation.MyCommand.Name} works on one edge at a time, and the objects piped in come from {recordSessions[0].Name} and {session.Name}: run it once per edge.",
                session.Name));
        }

        if (recordSessions.Count == 0) recordSessions.Add(session);
        return session;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for each of <paramref name="sessions"/>, up to <paramref name="throttleLimit"/>
    /// edges at once, and hands each edge's result to <paramref name="done"/> on the pipeline thread as that edge
    /// finishes. With several edges, one that fails is a non-terminating error targeting its name (then
    /// <paramref name="failed"/>) and the others go on; with one, its failure is terminating, as for any cmdlet.
    /// </summary>
    private protected void ForEachEdge<T>(IReadOnlyList<EdgeSession> sessions, int throttleLimit,
        Func<EdgeSession, IOperationReporter, CancellationToken, Task<T>> work, Action<EdgeSession, T> done, Action<EdgeSession>? failed = null)
    {
        bool several = sessions.Count > 1;
        Run(async (reporter, token) =>
        {
            using var throttle = new SemaphoreSlim(throttleLimit);
            await Task.WhenAll(sessions.Select(async session =>
            {
                await throttle.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    T result = await work(session, reporter, token).ConfigureAwait(false);
                    await InvokeOnPipelineAsync(() => done(session, result)).ConfigureAwait(false);
                }
                catch (HaEdgeException e) when (several)
                {
                    await InvokeOnPipelineAsync(() =>
                    {
                        failed?.Invoke(session);
                        WriteError(EdgeError(session, e, session.Name));
                    }).ConfigureAwait(false);
                }
                finally
                {
                    throttle.Release();
                }
            })).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Holds <paramref name="session"/>'s edge for this command's change until disposed (one disruptive change per
    /// edge at a time, across shells: EdgeChangeGate); a terminating EdgeChangeInProgress error when another holds it.
    /// </summary>
    private protected IDisposable HoldForChange(EdgeSession session, string change) =>
        Check(() => EdgeChangeGate.Enter(session.Definition, $"{MyInvocation.MyCommand.Name}: {change}"));

    /// <summary>One edge's error among several: its message begins with the edge's name.</summary>
    private protected static ErrorRecord EdgeError(EdgeSession session, HaEdgeException e, object? target) =>
        new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), target) { ErrorDetails = new ErrorDetails($"{session.Name}: {e.Message}") };

    /// <summary>An error within one edge's answer (a firewall, a VM), targeting what it names; with several edges read, naming the edge too.</summary>
    private protected static ErrorRecord ErrorIn(EdgeSession session, HaEdgeException e, bool severalEdges) =>
        severalEdges ? EdgeError(session, e, e.Target) : ErrorFrom(e);

    /// <summary>
    /// Adds the firewalls <paramref name="patterns"/> name (every one when null) to each of this record's edges'
    /// selection (<see cref="SessionsOfRecord"/>): a plain name must be a firewall of each of them (FirewallNotFound otherwise).
    /// </summary>
    private protected void SelectFirewalls(Dictionary<EdgeSession, FirewallSelection> selections, string[]? patterns)
    {
        foreach (EdgeSession session in SessionsOfRecord())
        {
            if (!selections.TryGetValue(session, out FirewallSelection? selection))
            {
                selections[session] = selection = new FirewallSelection();
            }

            selection.Add(patterns == null ? null : FirewallsNamed(session, patterns));
        }
    }

    /// <summary>
    /// The firewalls <paramref name="patterns"/> name (all when null), in the definition's order. Wildcards allowed;
    /// a plain name that is not in the definition is a terminating FirewallNotFound error listing the known ones.
    /// </summary>
    protected FirewallDefinition[] FirewallsNamed(EdgeSession session, string[]? patterns)
    {
        if (patterns == null)
        {
            return session.Definition.Firewalls.ToArray();
        }

        IReadOnlyList<FirewallDefinition> named = NameFilter.Select(session.Definition.Firewalls, f => f.Name, patterns, out IReadOnlyList<string> missing);
        foreach (string name in missing)
        {
            Check(() => session.Firewall(name));
        }

        return named.ToArray();
    }
}
