using System.Management.Automation;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>Closes a session (by default the current one) and its SSH connections.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "HaEdge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class DisconnectHaEdgeCommand : HaEdgeCmdlet
{
    /// <summary>The session to close (a session, or an open session's edge name or Id); by default the current one. Accepts sessions from Get-HaEdgeSession.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public EdgeSession? Session { get; set; }

    protected override void ProcessRecord()
    {
        EdgeSession? session = Session ?? SessionStore.Current;
        if (session == null)
        {
            WriteVerbose("No open HaEdge session to disconnect.");
            return;
        }

        if (ShouldProcess(session.ToString(), "Close the session and its SSH connections"))
        {
            SessionStore.Close(session);
        }
    }
}
