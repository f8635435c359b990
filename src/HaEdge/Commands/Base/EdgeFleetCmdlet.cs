using System.Collections.Generic;
using System.Management.Automation;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// A cmdlet that reads many edges at once and takes their sessions from the pipeline too
/// (<c>Get-HaEdgeSession | Test-HaEdge</c>): the sessions piped in are gathered and the edges read together at the
/// end, in parallel, not one per pipeline record.
/// </summary>
public abstract class EdgeFleetCmdlet : PfConfigSyncCmdlet
{
    private readonly List<EdgeSession> gathered = new List<EdgeSession>();

    /// <summary>
    /// The sessions to read (session objects, or open sessions' edge names or Ids), given or piped in; by default the
    /// one the last Connect-HaEdge opened in this runspace.
    /// </summary>
    // Every value bound is kept: PowerShell sets a piped parameter once per record (and back to null between them).
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public override EdgeSession[]? Session
    {
        get => gathered.Count == 0 ? null : gathered.ToArray();
        set
        {
            if (value != null) gathered.AddRange(value);
        }
    }

    protected sealed override void EndProcessing()
    {
        // A pipeline that brought no session (Get-HaEdgeSession | Where-Object ... matched none) reads nothing: the
        // current session is for a command given no sessions at all, not for an empty selection.
        if (MyInvocation.ExpectingInput && gathered.Count == 0)
        {
            WriteVerbose("No session came down the pipeline: no edge to read.");
            return;
        }

        ProcessSessions();
    }

    /// <summary>The cmdlet's work over <see cref="HaEdgeSessionCmdlet.CurrentSessions"/>, once every piped session is in.</summary>
    protected abstract void ProcessSessions();
}
