using System;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>Closes sessions (by default the current one) and their SSH connections: one, several, or all.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "HaEdge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = SessionSet)]
[OutputType(typeof(void))]
public sealed class DisconnectHaEdgeCommand : HaEdgeCmdlet
{
    private const string SessionSet = "Session";

    /// <summary>The sessions to close (sessions, or open sessions' edge names or Ids); by default the current one. Accepts sessions from Get-HaEdgeSession.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = SessionSet)]
    [ValidateNotNullOrEmpty]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public EdgeSession[]? Session { get; set; }

    /// <summary>Close every open session of this runspace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "All")]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        EdgeSession[] sessions = All ? SessionStore.All.ToArray()
            : SessionStore.NamedOrCurrent(Session);
        if (sessions.Length == 0)
        {
            WriteVerbose("No open HaEdge session to disconnect.");
            return;
        }

        foreach (EdgeSession session in sessions)
        {
            if (ShouldProcess(session.ToString(), "Close the session and its SSH connections"))
            {
                SessionStore.Close(session);
            }
        }
    }
}
