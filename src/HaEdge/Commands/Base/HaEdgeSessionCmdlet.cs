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
    /// Connect-HaEdge opened in this runspace.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public EdgeSession? Session { get; set; }

    /// <summary>The session in force, or a terminating error that says how to get one.</summary>
    protected EdgeSession CurrentSession
    {
        get
        {
            EdgeSession? session = Session ?? SessionStore.Current;
            if (session == null || !session.IsOpen)
            {
                ThrowTerminatingError(Error("NoHaEdgeSession", ErrorCategory.ConnectionError,
                    "No open HaEdge session: run Connect-HaEdge -Path <edge definition> first, or pass -Session.", null));
            }

            return session!;
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
