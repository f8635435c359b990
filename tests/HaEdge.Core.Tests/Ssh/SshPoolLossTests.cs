using HaEdge.Core.Session;
using Xunit;

namespace HaEdge.Core.Tests.Ssh;

/// <summary>A connection that fails under a command is dropped, and only that one.</summary>
public class SshPoolLossTests
{
    private sealed class Connector : ISshConnector
    {
        public List<Connection> Opened { get; } = new();

        public Task<ISshConnection> ConnectAsync(SshTarget target, CancellationToken cancellationToken)
        {
            var connection = new Connection();
            Opened.Add(connection);
            return Task.FromResult<ISshConnection>(connection);
        }
    }

    private sealed class Connection : ISshConnection
    {
        /// <summary>When set, a command waits for it and then fails as a severed connection does.</summary>
        public TaskCompletionSource? FailWhen { get; set; }

        public bool Disposed { get; private set; }

        public string HostKeySha256 => "SHA256:fake";

        public bool IsConnected { get; set; } = true;

        public async Task<SshCommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (FailWhen is { } fail)
            {
                await fail.Task;
                throw new HaEdgeException(SshErrors.ConnectionLost, FailureKind.ConnectionError, "fw1: the SSH connection failed", "fw1");
            }

            return new SshCommandResult(command, 0, "", "", TimeSpan.Zero);
        }

        public void Dispose() => Disposed = true;
    }

    private static readonly SshTarget Fw1 = new("fw1", "192.0.2.2", 22, "admin");

    [Fact]
    public async Task A_late_failure_on_the_old_connection_leaves_the_fresh_one_open()
    {
        var connector = new Connector();
        using var pool = new SshPool(() => connector);
        await pool.RunAsync(Fw1, "true", TimeSpan.FromSeconds(1), CancellationToken.None);
        var old = connector.Opened[0];
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.FailWhen = release;

        // One command is still running on the old connection when the transport notices it is gone and the next
        // command opens a fresh one.
        Task<SshCommandResult> late = pool.RunAsync(Fw1, "sysctl -n net.inet.carp.demotion", TimeSpan.FromSeconds(1), CancellationToken.None);
        old.IsConnected = false;
        await pool.RunAsync(Fw1, "true", TimeSpan.FromSeconds(1), CancellationToken.None);
        release.SetResult();
        var lost = await Assert.ThrowsAsync<HaEdgeException>(() => late);

        Assert.Equal(SshErrors.ConnectionLost, lost.ErrorId);
        Assert.Equal(2, connector.Opened.Count);
        Assert.False(connector.Opened[1].Disposed);
        await pool.RunAsync(Fw1, "true", TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(2, connector.Opened.Count);
    }

    [Fact]
    public async Task A_connection_that_fails_under_a_command_is_replaced_even_when_it_still_says_connected()
    {
        var connector = new Connector();
        using var pool = new SshPool(() => connector);
        await pool.RunAsync(Fw1, "true", TimeSpan.FromSeconds(1), CancellationToken.None);
        var failed = new TaskCompletionSource();
        failed.SetResult();
        connector.Opened[0].FailWhen = failed;

        await Assert.ThrowsAsync<HaEdgeException>(() => pool.RunAsync(Fw1, "true", TimeSpan.FromSeconds(1), CancellationToken.None));
        await pool.RunAsync(Fw1, "true", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(connector.Opened[0].Disposed);
        Assert.Equal(2, connector.Opened.Count);
    }
}
