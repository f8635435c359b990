using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover.Probes;

/// <summary>
/// ICMP echo to one target on a fixed schedule (start + n × interval), several in flight at once so a slow reply
/// never delays the next probe. The RTT is measured with a Stopwatch around the send, not taken from the reply.
/// </summary>
internal sealed class PingProbe : IProbe
{
    private readonly ProbeOptions options;
    private readonly SampleLog log = new SampleLog();
    private string? error;

    public PingProbe(string target, ProbeOptions options, string name = "Ping")
    {
        Target = target;
        this.options = options;
        Name = name;
    }

    public string Name { get; }

    public ProbeKind Kind => ProbeKind.Ping;

    public string Target { get; }

    public TimeSpan Interval => options.Interval;

    public async Task RunAsync(IFailoverClock clock, CancellationToken stop)
    {
        IPAddress address;
        try
        {
            address = await ProbeAddress.ResolveAsync(Target).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || e is ArgumentException || e is HaEdgeException)
        {
            error = $"{Target} could not be resolved: {e.Message}";
            return;
        }

        var timeoutMs = (int)Math.Max(1, options.ReplyTimeout.TotalMilliseconds);
        var inFlight = new List<Task>();
        var start = clock.Elapsed;
        var next = start;
        for (var sent = 0; sent < options.MaxSamples && clock.Elapsed - start < options.MaxDuration; sent++)
        {
            try
            {
                await clock.Delay(next - clock.Elapsed, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            inFlight.Add(SendOneAsync(address, timeoutMs, clock));
            inFlight.RemoveAll(t => t.IsCompleted);
            next += options.Interval;
            // After a stall (a suspended laptop, a GC pause) resume the schedule from now instead of bursting.
            if (clock.Elapsed - next > options.Interval) next = clock.Elapsed;
        }

        // Outstanding pings end by their own timeout: waiting for them keeps the last probes honest.
        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    public ProbeRecording Snapshot() => new ProbeRecording(log.Ordered(), error: error);

    private async Task SendOneAsync(IPAddress address, int timeoutMs, IFailoverClock clock)
    {
        var sentAt = clock.Elapsed;
        var watch = Stopwatch.StartNew();
        try
        {
            using var ping = new Ping();
            // The default payload: a custom one needs raw sockets, which Linux grants only to root or cap_net_raw.
            var reply = await ping.SendPingAsync(address, timeoutMs).ConfigureAwait(false);
            var rtt = watch.Elapsed;
            var ok = reply.Status == IPStatus.Success && rtt.TotalMilliseconds <= timeoutMs;
            log.Add(new ProbeSample
            {
                Probe = Name,
                Kind = ProbeKind.Ping,
                SentAt = sentAt,
                Outcome = ok ? ProbeOutcome.Reply : reply.Status == IPStatus.TimedOut || reply.Status == IPStatus.Success ? ProbeOutcome.Lost : ProbeOutcome.Error,
                Rtt = ok ? rtt : (TimeSpan?)null,
            });
        }
        catch (Exception e) when (e is PingException || e is SocketException || e is InvalidOperationException || e is PlatformNotSupportedException)
        {
            log.Add(new ProbeSample { Probe = Name, Kind = ProbeKind.Ping, SentAt = sentAt, Outcome = ProbeOutcome.Error });
        }
    }
}

internal static class ProbeAddress
{
    /// <summary>The address as given, or its first IPv4 (then IPv6) resolution: only the targets the user named are probed.</summary>
    public static async Task<IPAddress> ResolveAsync(string host)
    {
        if (IPAddress.TryParse(host, out var literal)) return literal;
        var addresses = await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
        return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
            ?? throw new HaEdgeException("ProbeTargetUnresolved", FailureKind.ObjectNotFound, $"{host} has no address.", host);
    }
}
