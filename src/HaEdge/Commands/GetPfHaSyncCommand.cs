using System.Management.Automation;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// The primary's HA sync settings (pfsync interface and peer, sync target, user, ticked sections) and the findings
/// about the pair that stop config or state sync from working, read over XML-RPC.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PfHaSync")]
[OutputType(typeof(PfHaSyncStatus))]
public sealed class GetPfHaSyncCommand : PfConfigSyncCmdlet
{
    protected override void ProcessRecord()
    {
        EdgeSession session = CurrentSession;
        using (XmlRpcPair xmlRpc = OpenXmlRpc(session))
        {
            var service = new ConfigSyncService(session, xmlRpc);
            WriteObject(Run((_, token) => service.ReadStatusAsync(token)));
        }
    }
}
