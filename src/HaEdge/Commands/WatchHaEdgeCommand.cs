using System;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Session;
using HaEdge.Core.Watch;

namespace HaEdge.Commands;

/// <summary>
/// Watches the edge and writes an event for each change as it is seen: VIP owner, verdicts, maintenance, demotion,
/// gateways, default route, pfsync, state count, config drift, Proxmox nodes and quorum, the firewall VMs, and any
/// firewall or Proxmox that stops answering (an event, never the end of the watch). Optionally serves the same
/// picture as Prometheus metrics over HTTP. Runs until Ctrl+C, -Duration or -Count.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "HaEdge")]
[OutputType(typeof(HaEdgeEvent))]
public sealed class WatchHaEdgeCommand : PfConfigSyncCmdlet
{
    /// <summary>How often the edge is read: a duration, a number being seconds (200 ms to 1 h; default 1 s).</summary>
    [Parameter(Position = 0)]
    [Duration(0.2, MaximumSeconds = 3600)]
    public TimeSpan Interval { get; set; } = new WatchOptions().Interval;

    /// <summary>How often the slow parts (gateway groups, config drift over XML-RPC) are read (10 s to 1 day; default 1 min).</summary>
    [Parameter]
    [Duration(10, MaximumSeconds = 86400)]
    public TimeSpan SlowInterval { get; set; } = new WatchOptions().SlowInterval;

    /// <summary>Stop after this long (default: until Ctrl+C).</summary>
    [Parameter]
    [Duration(0.2, MaximumSeconds = 31_536_000)]
    public TimeSpan? Duration { get; set; }

    /// <summary>Stop after this many events (the Started event counts; Serving does not).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>No Started event with the starting picture: only changes.</summary>
    [Parameter]
    public SwitchParameter SkipInitial { get; set; }

    /// <summary>Also serve the metrics at http://MetricsAddress:MetricsPort/metrics for Prometheus (0: any free port, shown in the Serving event).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int? MetricsPort { get; set; }

    /// <summary>The address the metrics are served on (default 127.0.0.1: this machine only).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string MetricsAddress { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>A gateway's packet loss, in percent, from which it counts as high (default 10: pfSense's low loss alarm).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double LossThreshold { get; set; } = new WatchThresholds().LossPercent;

    /// <summary>A gateway's delay from which it counts as high (default 200 ms: pfSense's low latency alarm).</summary>
    [Parameter]
    [Duration(0.001, MaximumSeconds = 60)]
    public TimeSpan DelayThreshold { get; set; } = TimeSpan.FromMilliseconds(new WatchThresholds().DelayMs);

    /// <summary>How long a firewall may take to answer one reading before it counts as not answering (200 ms to 1 min; default 2 s).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(0.2, MaximumSeconds = 60)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    protected override void EndProcessing()
    {
        EdgeSession session = CurrentSession;
        if (!IPAddress.TryParse(MetricsAddress, out IPAddress? address))
        {
            ThrowTerminatingError(Error("InvalidMetricsAddress", ErrorCategory.InvalidArgument,
                $"'{MetricsAddress}' is not an IP address: give the address to serve the metrics on, e.g. 127.0.0.1 or 0.0.0.0.", MetricsAddress));
        }

        var options = new WatchOptions
        {
            Interval = Interval,
            SlowInterval = SlowInterval,
            Duration = Duration,
            Count = Count,
            SkipInitial = SkipInitial.IsPresent,
            Thresholds = new WatchThresholds { LossPercent = LossThreshold, DelayMs = DelayThreshold.TotalMilliseconds },
        };

        // Without xmlrpc entries the watch does not read the config drift.
        using XmlRpcPair? xmlRpc = Check(() => OpenXmlRpcForDrift(session));
        var watcher = new EdgeWatcher(new EdgeReader(session, Timeout, xmlRpc), options);
        using MetricsServer? server = MetricsPort is int port
            ? Check(() => MetricsServer.Start(address!, port, () => watcher.Latest is EdgeReading reading ? MetricsText.Write(new[] { new EdgeMetricsSource(reading, session.LastFailovers) }) : null))
            : null;
        if (server != null)
        {
            WriteObject(new HaEdgeEvent
            {
                Time = DateTimeOffset.Now,
                Edge = session.Name,
                Kind = HaEdgeEventKind.Serving,
                Target = "metrics",
                After = server.Url.ToString(),
                Message = $"Serving {session.Name}'s metrics for Prometheus at {server.Url}.",
            });
        }

        Run(async (_, token) =>
        {
            using var serving = CancellationTokenSource.CreateLinkedTokenSource(token);
            Task served = server?.ServeAsync(serving.Token) ?? Task.CompletedTask;
            try
            {
                await watcher.RunAsync(e => InvokeOnPipelineAsync(() => WriteObject(e)), token).ConfigureAwait(false);
            }
            finally
            {
                serving.Cancel();
                await served.ConfigureAwait(false);
            }
        });
    }
}
