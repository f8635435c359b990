using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover.Probes;

/// <summary>
/// Holds ONE TCP connection to an echo service and sends a numbered 16-byte line every interval; the reader
/// matches each echo to its send. It never reconnects: the session survives only if this same connection carries
/// echoes after the fault. It counts as broken on a reset, a close, an echo that is not ours, or no echo at all
/// for <see cref="ProbeOptions.SessionTimeout"/> (TCP retransmits quietly, so silence is how a dead session shows).
/// </summary>
internal sealed class TcpSessionProbe : IProbe
{
    private const string Prefix = "HaEdge ";
    private const int FrameLength = 16;
    private readonly ProbeOptions options;
    private readonly SampleLog log = new SampleLog();
    private readonly Dictionary<long, TimeSpan> pending = new Dictionary<long, TimeSpan>();
    private readonly object gate = new object();
    private TimeSpan? brokeAt;
    private string? breakReason;
    private string? error;
    private volatile bool closing;

    public TcpSessionProbe(string host, int port, ProbeOptions options, string name = "TcpSession")
    {
        Host = host;
        Port = port;
        this.options = options;
        Name = name;
    }

    public string Host { get; }

    public int Port { get; }

    public string Name { get; }

    public ProbeKind Kind => ProbeKind.TcpSession;

    public string Target => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);

    public TimeSpan Interval => options.Interval;

    /// <summary>host:port as the definition writes it (<c>[v6]:port</c> for IPv6).</summary>
    public static TcpSessionProbe Parse(string hostPort, ProbeOptions options)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
        {
            throw new HaEdgeException("ProbeTargetInvalid", FailureKind.InvalidArgument, $"The TCP probe target '{hostPort}' is not host:port.", hostPort);
        }

        return new TcpSessionProbe(hostPort.Substring(0, colon).Trim('[', ']'), port, options);
    }

    public async Task RunAsync(IFailoverClock clock, CancellationToken stop)
    {
        using var client = await ConnectAsync(clock, stop).ConfigureAwait(false);
        if (client == null) return;
        var stream = client.GetStream();
        var reader = ReadLoopAsync(stream, clock);
        var start = clock.Elapsed;
        var next = start;
        for (long seq = 0; seq < options.MaxSamples && clock.Elapsed - start < options.MaxDuration && !IsBroken; seq++)
        {
            try
            {
                await clock.Delay(next - clock.Elapsed, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var oldest = OldestPending();
            if (oldest.HasValue && clock.Elapsed - oldest.Value > options.SessionTimeout)
            {
                Break(clock, $"no echo for {options.SessionTimeout.TotalSeconds:0.#} s");
                break;
            }

            var frame = Encoding.ASCII.GetBytes(Prefix + seq.ToString("X8", CultureInfo.InvariantCulture) + "\n");
            lock (gate) pending[seq] = clock.Elapsed;
            try
            {
                await stream.WriteAsync(frame, 0, frame.Length, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
            {
                Break(clock, "send failed: " + e.Message);
                break;
            }

            next += options.Interval;
            if (clock.Elapsed - next > options.Interval) next = clock.Elapsed;
        }

        // Give the last echoes their reply timeout, then close; what never came back is lost (or died with the session).
        var until = clock.Elapsed + options.ReplyTimeout;
        while (!IsBroken && OldestPending().HasValue && clock.Elapsed < until)
        {
            await clock.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None).ConfigureAwait(false);
        }

        closing = true;
        client.Close();
        await reader.ConfigureAwait(false);
        lock (gate)
        {
            foreach (var sentAt in pending.Values)
            {
                log.Add(Sample(sentAt, brokeAt.HasValue ? ProbeOutcome.Broken : ProbeOutcome.Lost, null));
            }

            pending.Clear();
        }
    }

    public ProbeRecording Snapshot()
    {
        lock (gate) return new ProbeRecording(log.Ordered(), brokeAt, breakReason, error);
    }

    private bool IsBroken
    {
        get
        {
            lock (gate) return brokeAt.HasValue;
        }
    }

    private async Task<TcpClient?> ConnectAsync(IFailoverClock clock, CancellationToken stop)
    {
        IPAddress address;
        try
        {
            address = await ProbeAddress.ResolveAsync(Host).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || e is HaEdgeException || e is ArgumentException)
        {
            error = $"{Host} could not be resolved: {e.Message}";
            return null;
        }

        var client = new TcpClient(address.AddressFamily) { NoDelay = true };
        try
        {
            var connect = client.ConnectAsync(address, Port);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var waited = clock.Delay(options.ConnectTimeout, timeout.Token);
            if (await Task.WhenAny(connect, waited).ConfigureAwait(false) != connect)
            {
                error = $"no TCP connection to {Target} within {options.ConnectTimeout.TotalSeconds:0.#} s";
                client.Dispose();
                // Observe the abandoned connect so its failure is not reported as unobserved.
                _ = connect.ContinueWith(t => t.Exception, TaskScheduler.Default);
                return null;
            }

            timeout.Cancel();
            await connect.ConfigureAwait(false);
            return client;
        }
        catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
        {
            error = $"no TCP connection to {Target}: {e.Message}";
            client.Dispose();
            return null;
        }
    }

    private async Task ReadLoopAsync(NetworkStream stream, IFailoverClock clock)
    {
        var frame = new byte[FrameLength];
        try
        {
            while (true)
            {
                for (var filled = 0; filled < FrameLength;)
                {
                    var read = await stream.ReadAsync(frame, filled, FrameLength - filled).ConfigureAwait(false);
                    if (read == 0)
                    {
                        if (!closing) Break(clock, "closed by the other end");
                        return;
                    }

                    filled += read;
                }

                var text = Encoding.ASCII.GetString(frame);
                if (!text.StartsWith(Prefix, StringComparison.Ordinal) || !long.TryParse(text.Substring(Prefix.Length, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var seq))
                {
                    Break(clock, "the echo did not match what was sent");
                    return;
                }

                var now = clock.Elapsed;
                lock (gate)
                {
                    if (!pending.TryGetValue(seq, out var sentAt)) continue;
                    pending.Remove(seq);
                    var rtt = now - sentAt;
                    log.Add(Sample(sentAt, rtt <= options.ReplyTimeout ? ProbeOutcome.Reply : ProbeOutcome.Late, rtt));
                }
            }
        }
        catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
        {
            if (!closing) Break(clock, "connection failed: " + e.Message);
        }
    }

    private TimeSpan? OldestPending()
    {
        lock (gate) return pending.Count == 0 ? (TimeSpan?)null : pending.Values.Min();
    }

    private void Break(IFailoverClock clock, string reason)
    {
        lock (gate)
        {
            if (brokeAt.HasValue) return;
            brokeAt = clock.Elapsed;
            breakReason = reason;
        }
    }

    private ProbeSample Sample(TimeSpan sentAt, ProbeOutcome outcome, TimeSpan? rtt) =>
        new ProbeSample { Probe = Name, Kind = ProbeKind.TcpSession, SentAt = sentAt, Outcome = outcome, Rtt = rtt };
}
