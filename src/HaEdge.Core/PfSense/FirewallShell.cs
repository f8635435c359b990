using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;

namespace HaEdge.Core.PfSense;

/// <summary>
/// Runs pfSense commands on the session's pooled SSH connections: one exec per firewall per batch, both firewalls
/// in parallel, every exec bounded by a timeout. Each exec begins with a marker: what the login shell prints before
/// it (admin's rc.local banner on CE 2.7.x) is never taken for an answer (<see cref="CommandBatch"/>).
/// </summary>
internal sealed class FirewallShell
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private const string ReleaseKey = "pfsense-release";

    private readonly EdgeSession session;
    private readonly TimeSpan? answerWithin;
    private ReadGathering? gathering;

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
    /// Runs one command and returns its result whatever its exit status, without what the login shell printed
    /// before it. The transport enforces its connect and command timeouts; the bound on top guarantees no caller
    /// ever waits longer, whatever the transport does.
    /// </summary>
    public async Task<SshCommandResult> RunAsync(FirewallDefinition firewall, string command, CancellationToken cancellationToken)
    {
        SshCommandResult result = await ExecAsync(firewall, CommandBatch.Single(command), cancellationToken).ConfigureAwait(false);
        return CommandBatch.Unwrap(command, result);
    }

    /// <summary>
    /// Runs <paramref name="commands"/>, which only read, in one exec: each command's own output, error text and
    /// status. A read may run twice, so a pooled connection the firewall dropped since its last use (a restart, a
    /// state flush) costs one retry on a fresh connection, not a failed read. Changes go through
    /// <see cref="RunAsync"/> and never retry: they may have run.
    /// </summary>
    public Task<IReadOnlyList<CommandOutput>> AskAsync(FirewallDefinition firewall, IReadOnlyList<string> commands, CancellationToken cancellationToken) =>
        Volatile.Read(ref gathering)?.TryAdd(firewall, commands) ?? AskNowAsync(firewall, commands, cancellationToken);

    /// <summary>
    /// Until disposed, the reads asked of each firewall (<see cref="AskAsync"/>) wait; then each firewall's go in
    /// one exec, and each asker gets its own commands' answers. Test-HaEdge starts its CARP and pfsync reads inside
    /// one: one exec and one shell per firewall instead of two, which the firewall (a process per exec) and a fleet
    /// check (25 edges at once) feel. When the shared exec times out or is cut short, each read is asked again on its
    /// own, so one slow command fails only its own read. Start the reads inside it; await them only after it is disposed.
    /// </summary>
    public IDisposable GatherReads(CancellationToken cancellationToken)
    {
        var open = new ReadGathering(this, cancellationToken);
        Volatile.Write(ref gathering, open);
        return open;
    }

    private async Task<IReadOnlyList<CommandOutput>> AskNowAsync(FirewallDefinition firewall, IReadOnlyList<string> commands, CancellationToken cancellationToken)
    {
        string batch = CommandBatch.Join(commands);
        SshCommandResult result;
        try
        {
            result = await ExecAsync(firewall, batch, cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException e) when (e.ErrorId == SshErrors.ConnectionLost)
        {
            result = await ExecAsync(firewall, batch, cancellationToken).ConfigureAwait(false);
        }

        return CommandBatch.Split(firewall.Name, commands, result.Output, result.Error);
    }

    /// <summary>
    /// Runs <paramref name="commands"/> in one exec and hands each command's output to <paramref name="parse"/>,
    /// for readings that need every command: the first that failed is the error.
    /// </summary>
    public async Task<T> RunBatchAsync<T>(FirewallDefinition firewall, IReadOnlyList<string> commands,
        Func<IReadOnlyList<string>, T> parse, CancellationToken cancellationToken)
    {
        IReadOnlyList<CommandOutput> outputs = await AskAsync(firewall, commands, cancellationToken).ConfigureAwait(false);
        if (outputs.FirstOrDefault(o => !o.Succeeded) is { } failed) throw failed.Failure!;
        try
        {
            return parse(outputs.Select(o => o.Output).ToList());
        }
        catch (HaEdgeException e) when (e.Target == null)
        {
            // The parsers do not know which firewall printed the text.
            throw new HaEdgeException(e.ErrorId, e.Kind, $"{firewall.Name}: {e.Message}", firewall.Name, e);
        }
    }

    /// <summary>
    /// The firewall's release (<c>/etc/version</c>), read once per SSH connection and kept with it, so the
    /// commands can be chosen by version without a round trip per read; a reconnect (an upgrade reboots the
    /// firewall) reads it again. Null when the file cannot be read or names no release.
    /// </summary>
    public Task<PfSenseRelease?> ReleaseAsync(FirewallDefinition firewall, CancellationToken cancellationToken) =>
        session.Ssh.OncePerConnectionAsync(session.SshTargetOf(firewall), ReleaseKey, async () =>
        {
            // Shared by every caller on this connection: no one caller's cancellation ends it (the bound does).
            SshCommandResult result = await RunAsync(firewall, PfSenseCommands.Version, CancellationToken.None).ConfigureAwait(false);
            return result.ExitStatus == 0 ? PfSenseRelease.FromVersionFile(result.Output) : null;
        }, cancellationToken);

    /// <summary>
    /// Reads both firewalls at once. A firewall that fails (unreachable, timeout, host key, unreadable answer)
    /// gives a failed answer; cancellation still throws.
    /// </summary>
    public async Task<IReadOnlyList<FirewallAnswer<T>>> RunOnBothAsync<T>(Func<FirewallDefinition, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        var answers = session.Definition.Firewalls.Select(f => AnswerAsync(f, read, cancellationToken)).ToList();
        return await Task.WhenAll(answers).ConfigureAwait(false);
    }

    private Task<SshCommandResult> ExecAsync(FirewallDefinition firewall, string command, CancellationToken cancellationToken) =>
        session.Ssh.RunBoundedAsync(session.SshTargetOf(firewall), command, Timeout, answerWithin, cancellationToken);

    /// <summary>One firewall's answer; a failure is in the answer, cancellation still throws.</summary>
    public static async Task<FirewallAnswer<T>> AnswerAsync<T>(FirewallDefinition firewall, Func<FirewallDefinition, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        try
        {
            return FirewallAnswer<T>.Of(firewall, await read(firewall, cancellationToken).ConfigureAwait(false));
        }
        catch (HaEdgeException e)
        {
            return FirewallAnswer<T>.Failed(firewall, e);
        }
    }

    /// <summary>The reads asked while a <see cref="GatherReads"/> is open, sent one exec per firewall when it closes.</summary>
    private sealed class ReadGathering : IDisposable
    {
        private readonly FirewallShell shell;
        private readonly CancellationToken cancellationToken;
        private readonly List<(FirewallDefinition Firewall, IReadOnlyList<string> Commands, TaskCompletionSource<IReadOnlyList<CommandOutput>> Answer)> asks =
            new List<(FirewallDefinition, IReadOnlyList<string>, TaskCompletionSource<IReadOnlyList<CommandOutput>>)>();
        private bool closed;

        public ReadGathering(FirewallShell shell, CancellationToken cancellationToken)
        {
            this.shell = shell;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>The answer to come, or null once closed (the asker then runs its commands itself).</summary>
        public Task<IReadOnlyList<CommandOutput>>? TryAdd(FirewallDefinition firewall, IReadOnlyList<string> commands)
        {
            lock (asks)
            {
                if (closed) return null;
                var answer = new TaskCompletionSource<IReadOnlyList<CommandOutput>>(TaskCreationOptions.RunContinuationsAsynchronously);
                asks.Add((firewall, commands, answer));
                return answer.Task;
            }
        }

        public void Dispose()
        {
            Interlocked.CompareExchange(ref shell.gathering, null, this);
            lock (asks)
            {
                if (closed) return;
                closed = true;
            }

            foreach (var firewallAsks in asks.GroupBy(ask => ask.Firewall.Name, StringComparer.OrdinalIgnoreCase))
            {
                _ = SendAsync(firewallAsks.ToList());
            }
        }

        private async Task SendAsync(List<(FirewallDefinition Firewall, IReadOnlyList<string> Commands, TaskCompletionSource<IReadOnlyList<CommandOutput>> Answer)> firewallAsks)
        {
            try
            {
                IReadOnlyList<CommandOutput> outputs = await shell.AskNowAsync(firewallAsks[0].Firewall,
                    firewallAsks.SelectMany(ask => ask.Commands).ToList(), cancellationToken).ConfigureAwait(false);
                int first = 0;
                foreach (var ask in firewallAsks)
                {
                    ask.Answer.SetResult(outputs.Skip(first).Take(ask.Commands.Count).ToList());
                    first += ask.Commands.Count;
                }
            }
            catch (HaEdgeException e) when (firewallAsks.Count > 1 && (e.ErrorId == "SshCommandTimeout" || e.ErrorId == "PfSenseOutputTruncated"))
            {
                // Which command held the exec up is unknown: each read alone, so only that one fails.
                foreach (var ask in firewallAsks) _ = SendAsync(new List<(FirewallDefinition, IReadOnlyList<string>, TaskCompletionSource<IReadOnlyList<CommandOutput>>)> { ask });
            }
            catch (OperationCanceledException)
            {
                foreach (var ask in firewallAsks) ask.Answer.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                foreach (var ask in firewallAsks) ask.Answer.TrySetException(e);
            }
        }
    }
}
