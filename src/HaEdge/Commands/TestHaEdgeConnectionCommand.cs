using System.Management.Automation;
using HaEdge.Core.Inventory;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>Checks that the Proxmox API and SSH to both firewalls answer, with pinned TLS and host keys.</summary>
[Cmdlet(VerbsDiagnostic.Test, "HaEdgeConnection")]
[OutputType(typeof(ConnectionCheck))]
public sealed class TestHaEdgeConnectionCommand : HaEdgeSessionCmdlet
{
    /// <summary>Only the Proxmox API.</summary>
    [Parameter]
    public SwitchParameter ProxmoxOnly { get; set; }

    /// <summary>Only SSH to the firewalls.</summary>
    [Parameter]
    public SwitchParameter SshOnly { get; set; }

    protected override void ProcessRecord()
    {
        EdgeSession session = CurrentSession;
        foreach (ConnectionCheck check in Run((_, token) => ConnectionTester.CheckAsync(session, !SshOnly, !ProxmoxOnly, token)))
        {
            WriteObject(check);
        }
    }
}
