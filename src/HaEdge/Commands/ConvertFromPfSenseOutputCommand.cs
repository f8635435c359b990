using System.Collections;
using System.Management.Automation;
using System.Text;
using HaEdge.Core;
using HaEdge.Core.Carp;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;

namespace HaEdge.Commands;

/// <summary>
/// Reads pfSense/FreeBSD command output from the pipeline (a line at a time or whole) and returns the typed objects
/// the live cmdlets use. The text is collected until the end of the input and parsed once; a line that is not part
/// of such output (a pasted prompt, a banner, a line cut short) is skipped with a warning.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "PfSenseOutput")]
[OutputType(typeof(IfconfigOutput), typeof(CarpSysctl), typeof(PfctlInfo), typeof(PfsyncStatus), typeof(GatewayStatus),
    typeof(GatewayGroup), typeof(RouteInfo), typeof(string))]
public sealed class ConvertFromPfSenseOutputCommand : HaEdgeCmdlet
{
    private readonly StringBuilder text = new StringBuilder();

    /// <summary>Which command printed the text.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public PfSenseOutputKind Kind { get; set; }

    /// <summary>The text: lines (Get-Content) or one string (Get-Content -Raw, a here-string).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string InputObject { get; set; } = "";

    protected override void ProcessRecord()
    {
        text.Append(InputObject);
        if (!InputObject.EndsWith("\n", System.StringComparison.Ordinal)) text.Append('\n');
    }

    protected override void EndProcessing()
    {
        try
        {
            Parsed<object> parsed = PfSenseOutput.Read(Kind, text.ToString());
            // A line the parser cannot read costs only itself: a warning, and the rest is read.
            foreach (SkippedLine line in parsed.Skipped)
            {
                WriteWarning($"Skipped {line}; the rest was read.");
            }

            // Gateways, groups and creator ids are lists: one object each on the pipeline.
            WriteObject(parsed.Value, enumerateCollection: parsed.Value is IList);
        }
        catch (HaEdgeException e)
        {
            WriteError(new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), Kind));
        }
    }
}
