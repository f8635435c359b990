using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// The primary's HA sync settings (pfsync interface and peer, sync target, user, ticked sections) and the findings
/// about the pair that stop config or state sync from working, read over XML-RPC. With several sessions it reads the
/// edges in parallel and writes each edge's status as it finishes.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PfHaSync")]
[OutputType(typeof(PfHaSyncStatus))]
public sealed class GetPfHaSyncCommand : EdgeFleetCmdlet
{
    /// <summary>With several sessions: how many edges are read at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessSessions() =>
        ForEachEdge(CurrentSessions, ThrottleLimit, ReadAsync, (_, status) => WriteObject(status));

    private async Task<PfHaSyncStatus> ReadAsync(EdgeSession session, IOperationReporter reporter, CancellationToken token)
    {
        using XmlRpcPair xmlRpc = OpenXmlRpcPair(session);
        return await new ConfigSyncService(session, xmlRpc).ReadStatusAsync(token).ConfigureAwait(false);
    }
}
