using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
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
public sealed class WatchHaEdgeCommand : EdgeFleetCmdlet
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

    protected override void ProcessSessions()
    {
        IReadOnlyList<EdgeSession> sessions = CurrentSessions;
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
            SkipInitial = SkipInitial.IsPresent,
            Thresholds = new WatchThresholds { LossPercent = LossThreshold, DelayMs = DelayThreshold.TotalMilliseconds },
        };

        var watched = new List<(EdgeSession Session, EdgeWatcher Watcher)>();
        var connections = new List<XmlRpcPair>();
        try
        {
            foreach (EdgeSession session in sessions)
            {
                // Without xmlrpc entries the watch does not read the config drift. With several edges, one that
                // cannot be watched is its own error and the others are watched.
                XmlRpcPair? xmlRpc;
                try
                {
                    xmlRpc = OpenXmlRpcForDrift(session);
                }
                catch (HaEdgeException e) when (sessions.Count > 1)
                {
                    WriteError(EdgeError(session, e, session.Name));
                    continue;
                }
                catch (HaEdgeException e)
                {
                    ThrowTerminatingError(ErrorFrom(e));
                    return;
                }

                if (xmlRpc != null) connections.Add(xmlRpc);
                watched.Add((session, new EdgeWatcher(new EdgeReader(session, Timeout, xmlRpc), options)));
            }

            if (watched.Count > 0) Watch(watched, address!);
        }
        finally
        {
            foreach (XmlRpcPair connection in connections) connection.Dispose();
        }
    }

    private void Watch(IReadOnlyList<(EdgeSession Session, EdgeWatcher Watcher)> watched, IPAddress address)
    {
        string edges = string.Join(", ", watched.Select(w => w.Session.Name));
        using MetricsServer? server = MetricsPort is int port
            ? Check(() => MetricsServer.Start(address, port, () =>
            {
                // The edges read so far; nothing until the first has its first reading.
                var sources = watched.Where(w => w.Watcher.Latest != null)
                    .Select(w => new EdgeMetricsSource(w.Watcher.Latest!, w.Session.LastFailovers)).ToList();
                return sources.Count > 0 ? MetricsText.Write(sources) : null;
            }))
            : null;
        if (server != null)
        {
            WriteObject(new HaEdgeEvent
            {
                Time = DateTimeOffset.Now,
                Edge = edges,
                Kind = HaEdgeEventKind.Serving,
                Target = "metrics",
                After = server.Url.ToString(),
                Message = $"Serving {edges}'s metrics for Prometheus at {server.Url}.",
            });
        }

        // Every edge's events come out on the pipeline thread in the order they are seen; -Count counts them all.
        int emitted = 0;
        Task<bool> Emit(HaEdgeEvent e)
        {
            var more = true;
            return InvokeOnPipelineAsync(() =>
            {
                if (Count is int count && emitted >= count)
                {
                    more = false;
                    return;
                }

                WriteObject(e);
                more = !(Count is int limit && ++emitted >= limit);
            }).ContinueWith(written => { written.GetAwaiter().GetResult(); return more; }, TaskScheduler.Default);
        }

        Run(async (_, token) =>
        {
            using var counted = CancellationTokenSource.CreateLinkedTokenSource(token);
            using var serving = CancellationTokenSource.CreateLinkedTokenSource(token);
            Task served = server?.ServeAsync(serving.Token) ?? Task.CompletedTask;
            try
            {
                await Task.WhenAll(watched.Select(async w =>
                {
                    await w.Watcher.RunAsync(Emit, counted.Token).ConfigureAwait(false);
                    // A watcher ends early only when the count is reached (or its -Duration, when all end): stop the rest.
                    counted.Cancel();
                })).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (counted.IsCancellationRequested && !token.IsCancellationRequested)
            {
            }
            finally
            {
                serving.Cancel();
                await served.ConfigureAwait(false);
            }
        });
    }
}
