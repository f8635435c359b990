using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Failover;
using HaEdge.Core.Session;
using HaEdge.Core.Watch;

namespace HaEdge.Commands;

/// <summary>
/// Reads the edge once and writes its state in Prometheus's text exposition format: to the pipeline, or atomically
/// to a file for node_exporter's textfile collector (a file beside it, then renamed over it, so the collector never
/// reads half a file). Includes the latest Test-HaFailover result of each scenario run in the session or in -FailoverResultPath.
/// </summary>
[Cmdlet(VerbsData.Export, "HaEdgeMetric", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ExportHaEdgeMetricCommand : PfConfigSyncCmdlet
{
    /// <summary>The file to write (node_exporter reads *.prom files); without it the text is written to the pipeline.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Files holding Test-HaFailover results (its HTML reports, or JSON): the latest of each scenario is in the metrics.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? FailoverResultPath { get; set; }

    /// <summary>With -Path: also write the file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>How long a firewall may take to answer before it counts as not answering (haedge_firewall_up 0).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(0.2, MaximumSeconds = 300)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    protected override void EndProcessing()
    {
        EdgeSession session = CurrentSession;
        string? file = Path == null ? null : GetUnresolvedProviderPathFromPSPath(Path);
        if (file != null && !ShouldProcess(file, $"Write {session.Name}'s metrics"))
        {
            return;
        }

        if (file != null && !file.EndsWith(".prom", StringComparison.Ordinal))
        {
            WriteWarning($"node_exporter's textfile collector reads only files named *.prom; it will not read {file}.");
        }

        var failovers = session.LastFailovers.Concat(FailoverResultPath == null ? Enumerable.Empty<FailoverResult>() : Check(() => FailoverResultFiles.Read(SessionState, FailoverResultPath)));
        string text;
        using (XmlRpcPair? xmlRpc = Check(() => OpenXmlRpcForDrift(session)))
        {
            var reader = new EdgeReader(session, Timeout, xmlRpc);
            EdgeReading reading = Run(async (_, token) =>
            {
                await reader.ReadSlowAsync(token).ConfigureAwait(false);
                return await reader.ReadAsync(token).ConfigureAwait(false);
            });
            text = MetricsText.Write(new[] { new EdgeMetricsSource(reading, MetricsText.LatestOfEachScenario(failovers)) });
        }

        if (file == null)
        {
            WriteObject(text);
            return;
        }

        string written = Check(() => MetricsFile.Write(file, text));
        if (PassThru)
        {
            WriteObject(new FileInfo(written));
        }
    }
}
