using System.Management.Automation;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands
{
    /// <summary>A cmdlet that works on an edge: the session given with -Session, else the runspace's current one.</summary>
    public abstract class HaEdgeSessionCmdlet : HaEdgeCmdlet
    {
        /// <summary>The session to use; by default the one the last Connect-HaEdge opened in this runspace.</summary>
        [Parameter]
        [ValidateNotNull]
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
    }
}
