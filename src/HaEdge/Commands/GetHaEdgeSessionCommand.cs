using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>The open sessions of this runspace, newest (current) last.</summary>
[Cmdlet(VerbsCommon.Get, "HaEdgeSession")]
[OutputType(typeof(EdgeSession))]
public sealed class GetHaEdgeSessionCommand : HaEdgeCmdlet
{
    /// <summary>Only the current session.</summary>
    [Parameter]
    public SwitchParameter Current { get; set; }

    protected override void EndProcessing()
    {
        if (Current)
        {
            if (SessionStore.Current is EdgeSession current)
            {
                WriteObject(current);
            }

            return;
        }

        WriteObject(SessionStore.All.ToArray(), enumerateCollection: true);
    }
}
