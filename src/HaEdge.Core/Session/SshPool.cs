using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Session;

/// <summary>
/// One SSH connection per target for the life of a session, opened on first use and reopened when it dropped.
/// Concurrent callers for the same target share one connect attempt. Connections are kept by the target's whole
/// identity (kind, name, host, port, user, pinned key). A key accepted on first use becomes that target's pin for the
/// rest of the session: a reconnect that meets another key is refused as a changed key.
/// </summary>
internal sealed class SshPool : IDisposable
{
    private readonly Func<ISshConnector> connectorFactory;
    private readonly Dictionary<string, Task<ISshConnection>> connections = new Dictionary<string, Task<ISshConnection>>(StringComparer.Ordinal);
    private readonly Dictionary<string, string> firstUseKeys = new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly object gate = new object();
    private readonly ConditionalWeakTable<ISshConnection, ConcurrentDictionary<string, Lazy<Task<object?>>>> facts =
        new ConditionalWeakTable<ISshConnection, ConcurrentDictionary<string, Lazy<Task<object?>>>>();
    private ISshConnector? connector;
    private bool disposed;

    public SshPool(Func<ISshConnector> connectorFactory)
    {
        this.connectorFactory = connectorFactory;
    }

    /// <summary>The host keys seen on this session's open connections, by target identity.</summary>
    public IReadOnlyDictionary<string, string> SeenHostKeys
    {
        get
        {
            lock (gate)
            {
                var keys = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (KeyValuePair<string, Task<ISshConnection>> pair in connections)
                {
                    if (pair.Value.Status == TaskStatus.RanToCompletion)
                    {
                        keys[pair.Key] = pair.Value.Result.HostKeySha256;
                    }
                }

                return keys;
            }
        }
    }

    public async Task<ISshConnection> GetAsync(SshTarget target, CancellationToken cancellationToken)
    {
        string identity = target.Identity;
        Task<ISshConnection> pending;
        lock (gate)
        {
            if (disposed)
            {
                throw new ObjectDisposedException(nameof(SshPool), "The HaEdge session was disconnected.");
            }

            if (!connections.TryGetValue(identity, out pending!) || IsDead(pending))
            {
                if (pending?.Status == TaskStatus.RanToCompletion)
                {
                    pending.Result.Dispose();
                }

                connector ??= connectorFactory();
                // A key trusted on first use is this target's pin from then on: trust lasts one connection.
                SshTarget effective = firstUseKeys.TryGetValue(identity, out string? learned) ? target.PinnedTo(learned) : target;
                // The connect outlives any one caller's cancellation: others may be waiting on it.
                pending = ConnectAsync(connector, effective, identity);
                connections[identity] = pending;
            }
        }

        return await WaitAsync(pending, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The host key a connection to <paramref name="target"/> was trusted with on first use, if it was.</summary>
    public string? FirstUseKeyOf(SshTarget target)
    {
        lock (gate)
        {
            return firstUseKeys.TryGetValue(target.Identity, out string? key) ? key : null;
        }
    }

    private async Task<ISshConnection> ConnectAsync(ISshConnector with, SshTarget target, string identity)
    {
        ISshConnection connection = await with.ConnectAsync(target, CancellationToken.None).ConfigureAwait(false);
        if (target.TrustOnFirstUse && target.PinnedHostKey == null)
        {
            lock (gate)
            {
                firstUseKeys[identity] = connection.HostKeySha256;
            }
        }

        return connection;
    }

    /// <summary>
    /// Something about the far end read once per connection (the firewall's release): kept with the pooled
    /// connection, so a new connection (after an upgrade and reboot, say) reads it again. Concurrent callers share
    /// one read; a read that fails is not kept. <paramref name="read"/> runs on this pool, so it is bounded as
    /// every command is.
    /// </summary>
    public async Task<T> OncePerConnectionAsync<T>(SshTarget target, string key, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        ISshConnection connection = await GetAsync(target, cancellationToken).ConfigureAwait(false);
        var known = facts.GetValue(connection, _ => new ConcurrentDictionary<string, Lazy<Task<object?>>>(StringComparer.Ordinal));
        var fact = known.GetOrAdd(key, _ => new Lazy<Task<object?>>(async () => await read().ConfigureAwait(false)));
        try
        {
            return (T)(await WaitAsync(fact.Value, cancellationToken).ConfigureAwait(false))!;
        }
        catch when (fact.Value.IsFaulted || fact.Value.IsCanceled)
        {
            ((ICollection<KeyValuePair<string, Lazy<Task<object?>>>>)known).Remove(new KeyValuePair<string, Lazy<Task<object?>>>(key, fact));
            throw;
        }
    }

    /// <summary>
    /// Runs a command on the firewall's pooled connection (reopened first when it had dropped). A connection that
    /// failed under the command is dropped, so the next command opens a fresh one whatever the transport reports.
    /// </summary>
    public async Task<SshCommandResult> RunAsync(SshTarget target, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ISshConnection connection = await GetAsync(target, cancellationToken).ConfigureAwait(false);
        try
        {
            return await connection.RunAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException e) when (e.ErrorId == SshErrors.ConnectionLost)
        {
            DropEstablished(target.Identity, connection);
            throw;
        }
    }

    /// <summary>
    /// Runs a command with a bound on the whole answer, a connect included. On the thread pool, because SSH.NET
    /// opens a channel synchronously (waiting up to its own timeout on a silent peer): whatever the transport does,
    /// no caller waits longer than <paramref name="limit"/>, by default the connect timeout plus the command
    /// timeout plus 1 s.
    /// </summary>
    public async Task<SshCommandResult> RunBoundedAsync(SshTarget target, string command, TimeSpan timeout, TimeSpan? limit,
        CancellationToken cancellationToken)
    {
        TimeSpan bound = limit ?? target.ConnectTimeout + timeout + TimeSpan.FromSeconds(1);
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<SshCommandResult> run = Task.Run(() => RunAsync(target, command, timeout, expiry.Token), expiry.Token);
        if (await Task.WhenAny(run, Task.Delay(bound, expiry.Token)).ConfigureAwait(false) != run)
        {
            cancellationToken.ThrowIfCancellationRequested();
            expiry.Cancel();
            DropEstablished(target.Identity);
            throw new HaEdgeException("SshCommandTimeout", FailureKind.OperationTimeout,
                $"{target.Name} ({target}) gave no answer within {bound.TotalSeconds:0.#} s.", target.Name);
        }

        expiry.Cancel();
        return await run.ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            foreach (Task<ISshConnection> pending in connections.Values)
            {
                if (pending.Status == TaskStatus.RanToCompletion)
                {
                    pending.Result.Dispose();
                }
            }

            connections.Clear();
        }
    }

    /// <summary>
    /// An established connection that let a command hang, or failed under one, is in an unknown state: the next
    /// command gets a fresh one. A connect still under way is left to finish: the next caller waits on it instead of
    /// starting another. Given <paramref name="failed"/>, only that connection is dropped: a caller that saw it fail
    /// late must not close the fresh one another caller has opened since.
    /// </summary>
    private void DropEstablished(string identity, ISshConnection? failed = null)
    {
        lock (gate)
        {
            if (connections.TryGetValue(identity, out Task<ISshConnection>? pending) && pending.Status == TaskStatus.RanToCompletion
                && (failed == null || ReferenceEquals(pending.Result, failed)))
            {
                connections.Remove(identity);
                pending.Result.Dispose();
            }
        }
    }

    private static bool IsDead(Task<ISshConnection> pending) =>
        pending.IsFaulted || pending.IsCanceled || (pending.Status == TaskStatus.RanToCompletion && !pending.Result.IsConnected);

    private static async Task<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        if (!task.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>();
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        return await task.ConfigureAwait(false);
    }
}
