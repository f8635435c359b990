using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;
using HaEdge.Core.Transport;

namespace HaEdge.Core.PfSense.Services
{
    /// <summary>What one firewall answered to a batch, or why it could not.</summary>
    public sealed class FirewallAnswer<T>
    {
        private FirewallAnswer(FirewallDefinition firewall, T? value, HaEdgeException? failure)
        {
            Firewall = firewall;
            Value = value;
            Failure = failure;
        }

        public FirewallDefinition Firewall { get; }

        public T? Value { get; }

        /// <summary>Null when <see cref="Value"/> holds the answer.</summary>
        public HaEdgeException? Failure { get; }

        public bool Succeeded => Failure == null;

        public static FirewallAnswer<T> Of(FirewallDefinition firewall, T value) => new FirewallAnswer<T>(firewall, value, null);

        public static FirewallAnswer<T> Failed(FirewallDefinition firewall, HaEdgeException failure) => new FirewallAnswer<T>(firewall, default, failure);
    }

    /// <summary>
    /// Runs pfSense commands on the session's pooled SSH connections: one exec per firewall per batch, both firewalls
    /// in parallel, every exec bounded by a timeout.
    /// </summary>
    public sealed class FirewallShell
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

        private readonly EdgeSession session;
        private readonly TimeSpan? answerWithin;

        /// <param name="timeout">Each command's own timeout.</param>
        /// <param name="answerWithin">Bound on a whole answer, a reconnect included (default: the connect timeout plus
        /// the command timeout plus 1 s). Polls set a short one: a dead firewall costs a poll that moment, not its
        /// timeouts, while its reconnect goes on in the background for the next poll.</param>
        public FirewallShell(EdgeSession session, TimeSpan timeout, TimeSpan? answerWithin = null)
        {
            this.session = session;
            Timeout = timeout;
            this.answerWithin = answerWithin;
        }

        public EdgeSession Session => session;

        public TimeSpan Timeout { get; }

        /// <summary>
        /// Runs one command and returns its result whatever its exit status. The transport enforces its connect and
        /// command timeouts; the bound on top guarantees no caller ever waits longer, whatever the transport does.
        /// </summary>
        public Task<SshCommandResult> RunAsync(FirewallDefinition firewall, string command, CancellationToken cancellationToken) =>
            session.Ssh.RunBoundedAsync(session.SshTargetOf(firewall), command, Timeout, answerWithin, cancellationToken);

        /// <summary>Runs <paramref name="commands"/> in one exec and hands each command's output to <paramref name="parse"/>.</summary>
        public async Task<T> RunBatchAsync<T>(FirewallDefinition firewall, IReadOnlyList<string> commands,
            Func<IReadOnlyList<string>, T> parse, CancellationToken cancellationToken)
        {
            SshCommandResult result = await RunAsync(firewall, CommandBatch.Join(commands), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> sections = CommandBatch.Split(firewall.Name, commands, result.Output, result.Error);
            try
            {
                return parse(sections);
            }
            catch (HaEdgeException e) when (e.Target == null)
            {
                // The parsers do not know which firewall printed the text.
                throw new HaEdgeException(e.ErrorId, e.Kind, $"{firewall.Name}: {e.Message}", firewall.Name, e);
            }
        }

        /// <summary>
        /// Runs the batch on both firewalls at once. A firewall that fails (unreachable, timeout, host key, unreadable
        /// answer) gives a failed answer; cancellation still throws.
        /// </summary>
        public async Task<IReadOnlyList<FirewallAnswer<T>>> RunOnBothAsync<T>(IReadOnlyList<string> commands,
            Func<IReadOnlyList<string>, T> parse, CancellationToken cancellationToken)
        {
            var answers = session.Definition.Firewalls.Select(f => AnswerAsync(f, commands, parse, cancellationToken)).ToList();
            return await Task.WhenAll(answers).ConfigureAwait(false);
        }

        private async Task<FirewallAnswer<T>> AnswerAsync<T>(FirewallDefinition firewall, IReadOnlyList<string> commands,
            Func<IReadOnlyList<string>, T> parse, CancellationToken cancellationToken)
        {
            try
            {
                return FirewallAnswer<T>.Of(firewall, await RunBatchAsync(firewall, commands, parse, cancellationToken).ConfigureAwait(false));
            }
            catch (HaEdgeException e)
            {
                return FirewallAnswer<T>.Failed(firewall, e);
            }
        }
    }
}
