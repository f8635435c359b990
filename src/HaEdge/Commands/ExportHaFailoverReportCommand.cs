using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Failover;

namespace HaEdge.Commands;

/// <summary>
/// Builds the failover report from saved Test-HaFailover results: objects (as Import-Clixml returns them) or
/// files (a report's embedded results, or JSON). Results of one run give that run's report; of several runs, the
/// history page (outage per run and scenario).
/// </summary>
[Cmdlet(VerbsData.Export, "HaFailoverReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportHaFailoverReportCommand : HaEdgeCmdlet
{
    private const string ObjectSet = "InputObject";
    private const string FileSet = "ResultPath";
    private readonly List<FailoverResult> results = new List<FailoverResult>();

    /// <summary>Where to write the HTML file; an existing file is replaced.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Test-HaFailover results, live or deserialized (Import-Clixml).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>Files holding results: HaEdge reports (their embedded results) or JSON (the reports' or ConvertTo-Json -Depth 8's).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string[] ResultPath { get; set; } = Array.Empty<string>();

    /// <summary>The page's title.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Title { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == FileSet)
        {
            results.AddRange(Check(() => FailoverResultFiles.Read(SessionState, ResultPath)));

            return;
        }

        foreach (PSObject item in InputObject)
        {
            results.Add(item.BaseObject is FailoverResult live ? live : Check(() => FailoverResultsJson.FromTree(PlainTree.Of(item), "the input object")));
        }
    }

    protected override void EndProcessing()
    {
        if (results.Count == 0)
        {
            ThrowTerminatingError(Error("FailoverResultsNone", ErrorCategory.InvalidArgument, "No failover results were given: pass Test-HaFailover's results or files that hold them.", null));
        }

        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        int runs = results.Select(r => r.RunStartedAt).Distinct().Count();
        string what = runs > 1 ? $"Write the failover history of {runs} runs ({results.Count} scenarios)" : $"Write the failover report ({results.Count} scenarios)";
        if (!ShouldProcess(path, what))
        {
            return;
        }

        if (runs > 1)
        {
            FailoverReport.WriteHistoryHtml(results, path, Title ?? "HaEdge failover history");
        }
        else
        {
            FailoverReport.WriteHtml(results, path, Title ?? "HaEdge failover report" + (results[0].Run?.Edge is string edge ? ": " + edge : ""));
        }

        WriteObject(new FileInfo(path));
    }
}
