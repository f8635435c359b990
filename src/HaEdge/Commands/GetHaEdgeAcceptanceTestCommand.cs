using System.IO;
using System.Management.Automation;
using HaEdge.Core.Runbooks;

namespace HaEdge.Commands;

/// <summary>The Pester acceptance suite shipped with the module, for New-PesterContainer -Path.</summary>
[Cmdlet(VerbsCommon.Get, "HaEdgeAcceptanceTest")]
[OutputType(typeof(FileInfo))]
public sealed class GetHaEdgeAcceptanceTestCommand : HaEdgeCmdlet
{
    protected override void ProcessRecord()
    {
        string path = System.IO.Path.Combine(MyInvocation.MyCommand.Module.ModuleBase, AcceptanceSuite.FileName);
        if (!File.Exists(path))
        {
            ThrowTerminatingError(Error("AcceptanceTestMissing", ErrorCategory.ObjectNotFound,
                $"The acceptance suite {AcceptanceSuite.FileName} is not in the module folder '{MyInvocation.MyCommand.Module.ModuleBase}': reinstall HaEdge.", path));
        }

        WriteObject(new FileInfo(path));
    }
}
