using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Transport;

namespace HaEdge.Core.Session
{
    /// <summary>
    /// One SSH connection per firewall for the life of a session, opened on first use and reopened when it dropped.
    /// Concurrent callers for the same firewall share one connect attempt.
    /// </summary>
    public sealed class SshPool : IDisposable
    {
        private readonly Func<ISshConnector> connectorFactory;
        private readonly Dictionary<string, Task<ISshConnection>> connections = new Dictionary<string, Task<ISshConnection>>(StringComparer.OrdinalIgnoreCase);
        private readonly object gate = new object();
        private ISshConnector? connector;
        private bool disposed;

        public SshPool(Func<ISshConnector> connectorFactory)
        {
            this.connectorFactory = connectorFactory;
        }

        /// <summary>The host keys seen on this session's connections, by target name (for trust on first use).</summary>
        public IReadOnlyDictionary<string, string> SeenHostKeys
        {
            get
            {
                lock (gate)
                {
                    var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
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
            Task<ISshConnection> pending;
            lock (gate)
            {
                if (disposed)
                {
                    throw new ObjectDisposedException(nameof(SshPool), "The HaEdge session was disconnected.");
                }

                if (!connections.TryGetValue(target.Name, out pending!) || IsDead(pending))
                {
                    if (pending?.Status == TaskStatus.RanToCompletion)
                    {
                        pending.Result.Dispose();
                    }

                    connector ??= connectorFactory();
                    // The connect outlives any one caller's cancellation: others may be waiting on it.
                    pending = connector.ConnectAsync(target, CancellationToken.None);
                    connections[target.Name] = pending;
                }
            }

            return await WaitAsync(pending, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Runs a command on the firewall's pooled connection (reopened first when it had dropped).</summary>
        public async Task<SshCommandResult> RunAsync(SshTarget target, string command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            ISshConnection connection = await GetAsync(target, cancellationToken).ConfigureAwait(false);
            return await connection.RunAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Closes one firewall's connection, e.g. after a fault test killed it.</summary>
        public void Drop(string name)
        {
            lock (gate)
            {
                if (connections.TryGetValue(name, out Task<ISshConnection>? pending))
                {
                    connections.Remove(name);
                    if (pending.Status == TaskStatus.RanToCompletion)
                    {
                        pending.Result.Dispose();
                    }
                }
            }
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
}
