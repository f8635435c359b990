using System.Net;
using System.Net.Sockets;
using HaEdge.Core.Failover;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Model.Failover;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

/// <summary>The real probes, in real time, against loopback only.</summary>
public class ProbeTests
{
    /// <summary>Short timings; the session timeout stays long unless a test is about it, so a loaded machine cannot fake a silent path.</summary>
    private static ProbeOptions Fast(int sessionTimeoutMs = 5000) => new()
    {
        Interval = TimeSpan.FromMilliseconds(20),
        ReplyTimeout = TimeSpan.FromSeconds(1),
        SessionTimeout = TimeSpan.FromMilliseconds(sessionTimeoutMs),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>A loopback echo server; <c>silent</c> makes it stop echoing (a dead path), <c>Drop</c> resets the connection.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> clients = new();

        public EchoServer()
        {
            listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public volatile bool Silent;

        public int Accepted { get; private set; }

        public void Drop()
        {
            lock (clients)
            {
                foreach (var client in clients)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Close();
                }

                clients.Clear();
            }
        }

        public void Dispose()
        {
            listener.Stop();
            Drop();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await listener.AcceptTcpClientAsync();
                    lock (clients)
                    {
                        clients.Add(client);
                        Accepted++;
                    }

                    _ = EchoAsync(client);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task EchoAsync(TcpClient client)
        {
            var buffer = new byte[256];
            try
            {
                var stream = client.GetStream();
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0)
                {
                    if (!Silent) await stream.WriteAsync(buffer.AsMemory(0, read));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }
        }
    }

    private static async Task<ProbeRecording> RunFor(IProbe probe, TimeSpan duration, Action? midway = null)
    {
        var clock = new SystemFailoverClock();
        using var stop = new CancellationTokenSource();
        var run = probe.RunAsync(clock, stop.Token);
        await Task.Delay(duration / 2);
        midway?.Invoke();
        await Task.Delay(duration / 2);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        return probe.Snapshot();
    }

    /// <summary>Never more probes than the schedule allows over the time they span (a loaded machine may send fewer).</summary>
    private static void AssertOnSchedule(ProbeRecording recording)
    {
        var span = recording.Samples[^1].SentAt - recording.Samples[0].SentAt;
        Assert.True(recording.Samples.Count <= span.TotalMilliseconds / 20 + 2, $"{recording.Samples.Count} probes in {span.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task The_tcp_session_probe_keeps_one_connection_and_matches_every_echo()
    {
        using var server = new EchoServer();
        var probe = new TcpSessionProbe("127.0.0.1", server.Port, Fast());

        var recording = await RunFor(probe, TimeSpan.FromMilliseconds(400));

        Assert.Null(recording.Error);
        Assert.Null(recording.BrokeAt);
        Assert.True(recording.Samples.Count >= 2);
        AssertOnSchedule(recording);
        Assert.All(recording.Samples, s => Assert.Equal(ProbeOutcome.Reply, s.Outcome));
        Assert.All(recording.Samples, s => Assert.InRange(s.Rtt!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Equal(1, server.Accepted);
        // Sent on a schedule: never closer than the interval on average.
        var gaps = recording.Samples.Zip(recording.Samples.Skip(1), (a, b) => b.SentAt - a.SentAt).ToList();
        Assert.InRange(gaps.Average(g => g.TotalMilliseconds), 15, 100);
    }

    [Fact]
    public async Task A_reset_connection_is_broken_and_never_reopened()
    {
        using var server = new EchoServer();
        var probe = new TcpSessionProbe("127.0.0.1", server.Port, Fast());
        using var stop = new CancellationTokenSource();
        var run = probe.RunAsync(new SystemFailoverClock(), stop.Token);
        // Reset only once the session has carried an echo, so a slow start cannot pass for a reset.
        for (var waited = 0; waited < 3000 && !probe.Snapshot().Samples.Any(s => s.Ok); waited += 10) await Task.Delay(10);
        server.Drop();
        await Task.Delay(200);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        var recording = probe.Snapshot();

        Assert.NotNull(recording.BrokeAt);
        Assert.Matches("closed by the other end|connection failed|send failed", recording.BreakReason);
        Assert.Equal(1, server.Accepted);
        Assert.Equal(ProbeOutcome.Reply, recording.Samples[0].Outcome);
        Assert.DoesNotContain(recording.Samples, s => s.Ok && s.SentAt > recording.BrokeAt);
    }

    [Fact]
    public async Task A_silent_path_breaks_the_session_after_the_session_timeout()
    {
        using var server = new EchoServer();
        var probe = new TcpSessionProbe("127.0.0.1", server.Port, Fast(sessionTimeoutMs: 400));

        var recording = await RunFor(probe, TimeSpan.FromMilliseconds(1200), () => server.Silent = true);

        Assert.StartsWith("no echo for 0.4 s", recording.BreakReason);
        var lastGood = recording.Samples.Last(s => s.Ok).SentAt;
        Assert.InRange((recording.BrokeAt!.Value - lastGood).TotalMilliseconds, 400, 1500);
        Assert.Contains(recording.Samples, s => s.Outcome == ProbeOutcome.Broken);
    }

    [Fact]
    public async Task A_refused_connection_is_an_error_not_a_hang()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var recording = await RunFor(new TcpSessionProbe("127.0.0.1", port, Fast()), TimeSpan.FromMilliseconds(100));

        Assert.StartsWith($"no TCP connection to 127.0.0.1:{port}", recording.Error);
        Assert.Empty(recording.Samples);
    }

    [Fact]
    public void Tcp_targets_are_read_as_host_and_port()
    {
        Assert.Equal(("203.0.113.9", 7), (TcpSessionProbe.Parse("203.0.113.9:7", Fast()).Host, TcpSessionProbe.Parse("203.0.113.9:7", Fast()).Port));
        Assert.Equal("2001:db8::9", TcpSessionProbe.Parse("[2001:db8::9]:7", Fast()).Host);
        Assert.Equal("ProbeTargetInvalid", Assert.Throws<HaEdgeException>(() => TcpSessionProbe.Parse("203.0.113.9", Fast())).ErrorId);
    }

    [Fact]
    public async Task Ping_probes_loopback_on_schedule()
    {
        var recording = await RunFor(new PingProbe("127.0.0.1", Fast()), TimeSpan.FromMilliseconds(300));

        Assert.Null(recording.Error);
        Assert.True(recording.Samples.Count >= 2);
        AssertOnSchedule(recording);
        // Where ICMP is not permitted (an unprivileged container) the probe records errors instead of throwing.
        Assert.All(recording.Samples, s => Assert.True(s.Outcome is ProbeOutcome.Reply or ProbeOutcome.Error, s.Outcome.ToString()));
        Assert.All(recording.Samples.Where(s => s.Ok), s => Assert.NotNull(s.Rtt));
    }

    [Fact]
    public void The_interval_cannot_go_below_20_ms()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeOptions { Interval = TimeSpan.FromMilliseconds(19) });
        Assert.Equal(TimeSpan.FromMilliseconds(200), new ProbeOptions().Interval);
    }
}
