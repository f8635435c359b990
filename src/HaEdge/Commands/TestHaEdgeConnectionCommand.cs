using System.Management.Automation;
using HaEdge.Core.Inventory;

namespace HaEdge.Commands;

/// <summary>
/// Checks that the Proxmox API and SSH to both firewalls answer, with pinned TLS and host keys. With several sessions
/// it checks the edges in parallel and writes each edge's checks as it finishes.
/// </summary>
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

    /// <summary>With several sessions: how many edges are checked at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessRecord() =>
        ForEachEdge(CurrentSessions, ThrottleLimit, (session, _, token) => ConnectionTester.CheckAsync(session, !SshOnly, !ProxmoxOnly, token),
            (_, checks) => WriteObject(checks, enumerateCollection: true));
}
