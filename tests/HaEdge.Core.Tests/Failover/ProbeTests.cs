using System.Net;
using System.Net.Sockets;
using HaEdge.Core.Failover;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

/// <summary>
/// The real probes against loopback only: their sockets run in real time, their schedule on a <see cref="ManualClock"/>
/// the test moves one interval at a time, so what they record does not depend on how loaded the machine is.
/// </summary>
public class ProbeTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Short timings (in the clock's time); the session timeout stays long unless a test is about it.</summary>
    private static ProbeOptions Fast(int sessionTimeoutMs = 5000) => new()
    {
        Interval = Interval,
        ReplyTimeout = TimeSpan.FromSeconds(1),
        SessionTimeout = TimeSpan.FromMilliseconds(sessionTimeoutMs),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>A loopback echo server; <c>silent</c> makes it stop echoing (a dead path), <c>Drop</c> resets the connection.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> clients = new();
        private int accepted;

        public EchoServer()
        {
            listener.Start();
            // On the thread pool, not the test's synchronization context: a busy test runner must not hold up the echoes.
            _ = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public volatile bool Silent;

        public int Accepted => Volatile.Read(ref accepted);

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
                    var client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                    lock (clients) clients.Add(client);
                    Interlocked.Increment(ref accepted);
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
                while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    if (!Silent) await stream.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }
        }
    }

    private static int Count(IProbe probe) => probe.Snapshot().Samples.Count;

    /// <summary>One probe per interval, each at its slot (start + n × interval), none in between.</summary>
    private static void AssertOnSchedule(ProbeRecording recording, int count) =>
        Assert.Equal(Enumerable.Range(0, count).Select(n => n * Interval), recording.Samples.Select(s => s.SentAt));

    [Fact]
    public async Task The_tcp_session_probe_keeps_one_connection_and_matches_every_echo()
    {
        using var server = new EchoServer();
        var clock = new ManualClock();
        var probe = new TcpSessionProbe("127.0.0.1", server.Port, Fast());
        using var stop = new CancellationTokenSource();
        var run = probe.RunAsync(clock, stop.Token);

        // Ten intervals; the clock moves on once the last probe's echo is back.
        for (var slot = 1; slot <= 10; slot++)
        {
            await Eventually.Until(() => Count(probe) >= slot, $"the echo of probe {slot - 1}");
            await clock.MoveToSleeperAt(slot * Interval);
        }

        await Eventually.Until(() => Count(probe) >= 11, "the echo of probe 10");
        stop.Cancel();
        await run.WaitAsync(Eventually.Bound);
        var recording = probe.Snapshot();

        Assert.Null(recording.Error);
        Assert.Null(recording.BrokeAt);
        // Sent on a schedule: one probe per interval, never closer.
        AssertOnSchedule(recording, 11);
        Assert.All(recording.Samples, s => Assert.Equal(ProbeOutcome.Reply, s.Outcome));
        Assert.All(recording.Samples, s => Assert.InRange(s.Rtt!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_reset_connection_is_broken_and_never_reopened()
    {
        using var server = new EchoServer();
        var clock = new ManualClock();
        var probe = new TcpSessionProbe("127.0.0.1", server.Port, Fast());
        using var stop = new CancellationTokenSource();
        var run = probe.RunAsync(clock, stop.Token);
        // Reset only once the session has carried an echo, so a slow start cannot pass for a reset.
        await Eventually.Until(() => probe.Snapshot().Samples.Any(s => s.Ok), "the first echo");
        server.Drop();
        await Eventually.Until(() => probe.Snapshot().BrokeAt != null, "the probe to see the reset");
        // The next interval comes: a probe that reopened the session would connect again now. A probe that saw the
        // reset before it went to sleep has already ended, and never sleeps until that interval.
        await Eventually.Until(() => run.IsCompleted || clock.Sleeping.Contains(Interval), "the probe to end or to wait for the next interval");
        clock.MoveTo(Interval);
        stop.Cancel();
        await run.WaitAsync(Eventually.Bound);
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
        var clock = new ManualClock();
        var probe = new TcpSessionProbe("127.0.0.1", server.Port, Fast(sessionTimeoutMs: 400));
        using var stop = new CancellationTokenSource();
        var run = probe.RunAsync(clock, stop.Token);

        // Five intervals with echoes, then the path goes silent.
        for (var slot = 1; slot <= 5; slot++)
        {
            await Eventually.Until(() => Count(probe) >= slot, $"the echo of probe {slot - 1}");
            await clock.MoveToSleeperAt(slot * Interval);
        }

        await Eventually.Until(() => Count(probe) >= 6, "the echo of probe 5");
        server.Silent = true;
        // Then one interval at a time (each once the probe has sent and sleeps again) until it gives up; 2 s at most.
        for (var slot = 6; probe.Snapshot().BrokeAt == null; slot++)
        {
            Assert.True(slot <= 100, "no break within 2 s of silence");
            await clock.MoveToSleeperAt(slot * Interval);
            var next = (slot + 1) * Interval;
            await Eventually.Until(() => probe.Snapshot().BrokeAt != null || clock.Sleeping.Contains(next), $"probe {slot} to be sent");
        }

        await run.WaitAsync(Eventually.Bound);
        var recording = probe.Snapshot();

        Assert.StartsWith("no echo for 0.4 s", recording.BreakReason);
        var lastGood = recording.Samples.Last(s => s.Ok).SentAt;
        Assert.Equal(5 * Interval, lastGood);
        // After the session timeout, and no more than a few intervals past it.
        Assert.InRange(recording.BrokeAt!.Value - lastGood, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(400) + 3 * Interval);
        Assert.Contains(recording.Samples, s => s.Outcome == ProbeOutcome.Broken);
    }

    [Fact]
    public async Task A_refused_connection_is_an_error_not_a_hang()
    {
        // Bound but not listening: the port stays ours for the test, and a connect to it is refused.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        var probe = new TcpSessionProbe("127.0.0.1", port, Fast());

        // The clock never moves, so the connect timeout cannot end the run: only the refusal can, and it must by itself.
        await probe.RunAsync(new ManualClock(), CancellationToken.None).WaitAsync(Eventually.Bound);
        var recording = probe.Snapshot();

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
        var options = Fast();
        // A ping's RTT is real time (a Stopwatch around the send): a loaded machine must not turn a loopback reply into a loss.
        options.ReplyTimeout = TimeSpan.FromSeconds(30);
        var clock = new ManualClock();
        var probe = new PingProbe("127.0.0.1", options);
        using var stop = new CancellationTokenSource();
        var run = probe.RunAsync(clock, stop.Token);

        for (var slot = 1; slot <= 5; slot++) await clock.MoveToSleeperAt(slot * Interval);
        // The probe of the last slot is sent once the probe sleeps until the next one.
        await clock.SleeperAt(6 * Interval);
        stop.Cancel();
        await run.WaitAsync(Eventually.Bound);
        var recording = probe.Snapshot();

        Assert.Null(recording.Error);
        AssertOnSchedule(recording, 6);
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
