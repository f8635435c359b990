using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HaEdge.Core.Session;

namespace HaEdge.Sessions;

/// <summary>
/// The open sessions of each runspace (never a global variable): the newest is the current one that
/// cmdlets use when -Session is not given.
/// </summary>
internal static class SessionStore
{
    private static readonly ConditionalWeakTable<Runspace, List<EdgeSession>> ByRunspace = new ConditionalWeakTable<Runspace, List<EdgeSession>>();

    private static List<EdgeSession> Sessions => ByRunspace.GetValue(Runspace.DefaultRunspace, _ => new List<EdgeSession>());

    public static EdgeSession? Current
    {
        get
        {
            lock (Sessions)
            {
                return Sessions.Count == 0 ? null : Sessions[Sessions.Count - 1];
            }
        }
    }

    /// <summary>The sessions a -Session parameter names, or else the current one alone (none when there is none).</summary>
    public static EdgeSession[] NamedOrCurrent(EdgeSession[]? named) =>
        named ?? (Current is EdgeSession current ? new[] { current } : Array.Empty<EdgeSession>());

    public static IReadOnlyList<EdgeSession> All
    {
        get
        {
            lock (Sessions)
            {
                return Sessions.ToArray();
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="session"/> the current one. An open session of the same definition file is closed and
    /// returned: connecting again replaces it instead of piling up sessions.
    /// </summary>
    public static EdgeSession? Add(EdgeSession session)
    {
        EdgeSession? replaced;
        lock (Sessions)
        {
            replaced = Sessions.FirstOrDefault(open => SameDefinition(open, session.Definition.Path));
            if (replaced != null)
            {
                Sessions.Remove(replaced);
            }

            Sessions.Add(session);
        }

        replaced?.Dispose();
        return replaced;
    }

    /// <summary>True when <paramref name="session"/> was opened from the definition file <paramref name="path"/>.</summary>
    public static bool SameDefinition(EdgeSession session, string path) => string.Equals(session.Definition.Path, path, PathComparison);

    private static StringComparison PathComparison =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static void Close(EdgeSession session)
    {
        lock (Sessions)
        {
            Sessions.Remove(session);
        }

        session.Dispose();
    }

    public static void CloseAll()
    {
        foreach (EdgeSession session in All)
        {
            Close(session);
        }
    }
}
