using System.IO;
using System.Management.Automation;
using System.Text;
using HaEdge.Core.Definition;

namespace HaEdge.Commands;

/// <summary>Writes a commented starter edge definition to fill in.</summary>
[Cmdlet(VerbsCommon.New, "HaEdgeDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class NewHaEdgeDefinitionCommand : HaEdgeCmdlet
{
    /// <summary>Where to write the file.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(path) && !Force)
        {
            ThrowTerminatingError(Error("EdgeDefinitionExists", ErrorCategory.ResourceExists,
                $"'{path}' already exists; pass -Force to overwrite it.", path));
        }

        if (ShouldProcess(path, "Write a starter edge definition"))
        {
            File.WriteAllText(path, EdgeDefinitionTemplate.Text, new UTF8Encoding(false));
            WriteObject(new FileInfo(path));
        }
    }
}
