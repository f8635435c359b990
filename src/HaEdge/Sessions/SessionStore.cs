using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using HaEdge.Core.Session;

namespace HaEdge.Sessions
{
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

        public static void Add(EdgeSession session)
        {
            lock (Sessions)
            {
                Sessions.Add(session);
            }
        }

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
}
