using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>A cmdlet that works on an edge: the session given with -Session, else the runspace's current one.</summary>
public abstract class HaEdgeSessionCmdlet : HaEdgeCmdlet
{
    /// <summary>
    /// The session to use (a session object, or an open session's edge name or Id); by default the one the last
    /// Connect-HaEdge opened in this runspace. Cmdlets that read many edges at once take several.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public EdgeSession[]? Session { get; set; }

    /// <summary>The session in force, or a terminating error that says how to get one (or that this cmdlet works on one edge).</summary>
    protected EdgeSession CurrentSession
    {
        get
        {
            IReadOnlyList<EdgeSession> sessions = CurrentSessions;
            if (sessions.Count > 1)
            {
                ThrowTerminatingError(Error("OneEdgeAtATime", ErrorCategory.InvalidArgument,
                    $"{MyInvocation.MyCommand.Name} works on one edge at a time, and -Session names {sessions.Count} ({string.Join(", ", sessions.Select(s => s.Name))}): run it once per edge (Test-HaEdge reads many at once).",
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
