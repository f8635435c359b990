using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Failover;
using HaEdge.Core.Session;
using HaEdge.Core.Watch;

namespace HaEdge.Commands;

/// <summary>
/// Reads the edge once and writes its state in Prometheus's text exposition format: to the pipeline, or atomically
/// to a file for node_exporter's textfile collector (a file beside it, then renamed over it, so the collector never
/// reads half a file). Includes the latest Test-HaFailover result of each scenario run in the session or in -FailoverResultPath.
/// With several sessions it reads the edges in parallel and writes them all in one text, each series labelled with its edge.
/// </summary>
[Cmdlet(VerbsData.Export, "HaEdgeMetric", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ExportHaEdgeMetricCommand : EdgeFleetCmdlet
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

    /// <summary>With several sessions: how many edges are read at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessSessions()
    {
        IReadOnlyList<EdgeSession> sessions = CurrentSessions;
        string? file = Path == null ? null : GetUnresolvedProviderPathFromPSPath(Path);
        if (file != null && !ShouldProcess(file, $"Write the metrics of {string.Join(", ", sessions.Select(s => s.Name))}"))
        {
            return;
        }

        if (file != null && !file.EndsWith(".prom", StringComparison.Ordinal))
        {
            WriteWarning($"node_exporter's textfile collector reads only files named *.prom; it will not read {file}.");
        }

        IReadOnlyList<FailoverResult> fromFiles = FailoverResultPath == null ? Array.Empty<FailoverResult>() : Check(() => FailoverResultFiles.Read(SessionState, FailoverResultPath));
        var readings = new Dictionary<EdgeSession, EdgeReading>();
        ForEachEdge(sessions, ThrottleLimit, ReadAsync, (session, reading) => readings[session] = reading);
        if (readings.Count == 0)
        {
            return; // each edge's error is written
        }

        // In the sessions' order, so the text does not depend on which edge answered first.
        string text = MetricsText.Write(sessions.Where(readings.ContainsKey).Select(session => new EdgeMetricsSource(readings[session],
            // A report names its edge; with one session, every report given is that edge's.
            MetricsText.LatestOfEachScenario(session.LastFailovers.Concat(fromFiles.Where(r => sessions.Count == 1 || r.Run?.Edge == session.Name))))));
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

    private async Task<EdgeReading> ReadAsync(EdgeSession session, IOperationReporter reporter, CancellationToken token)
    {
        using XmlRpcPair? xmlRpc = OpenXmlRpcForDrift(session);
        var reader = new EdgeReader(session, Timeout, xmlRpc);
        await reader.ReadSlowAsync(token).ConfigureAwait(false);
        return await reader.ReadAsync(token).ConfigureAwait(false);
    }
}
