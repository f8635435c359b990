using System.Collections.Concurrent;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;
using HaEdge.Core.Session;

namespace HaEdge.Core.Tests.Carp;

/// <summary>
/// A fake pair of firewalls behind ISshConnector: each firewall answers commands from a responder, and what the module
/// sends (a command or a batch behind the begin marker, each command of a batch followed by its exit marker) is run
/// command by command as /bin/sh would, stdout and stderr apart. CommandBatchTests run the same text through a real sh.
/// </summary>
internal sealed class FakeFirewalls : ISshConnector
{

    private readonly ConcurrentDictionary<string, Func<string, (int Status, string Output, string Error)>> responders = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// What a firewall's login shell prints on stdout before every command it runs, as pfSense CE 2.7.x's
    /// /etc/rc.initial (admin's shell) prints its rc.local banner when /etc/rc.local exists.
    /// </summary>
    public ConcurrentDictionary<string, string> Preamble { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Firewalls whose connection has dropped: the pool must open a new one.</summary>
    public void Drop(string firewall)
    {
        foreach (var connection in connections.Where(c => string.Equals(c.Name, firewall, StringComparison.OrdinalIgnoreCase))) connection.Dropped = true;
    }

    /// <summary>
    /// Severs the firewall's open connections as its restart does: they still say they are connected, and the next
    /// exec on each fails with SshConnectionLost.
    /// </summary>
    public void Sever(string firewall)
    {
        foreach (var connection in connections.Where(c => string.Equals(c.Name, firewall, StringComparison.OrdinalIgnoreCase))) connection.Severed = true;
    }

    private readonly ConcurrentBag<Connection> connections = new();

    public ConcurrentQueue<(string Firewall, string Command)> Execs { get; } = new();

    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Firewalls that refuse connections (connection refused / no route).</summary>
    public ConcurrentDictionary<string, bool> Unreachable { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Firewalls whose exec never answers and ignores its timeout (a wedged transport).</summary>
    public ConcurrentDictionary<string, bool> Hanging { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Firewalls whose exec blocks its caller's thread this long before answering, as SSH.NET's synchronous channel
    /// open does on a peer that went silent; <see cref="Unblock"/> ends every such block early.
    /// </summary>
    public ConcurrentDictionary<string, TimeSpan> BlockingOpen { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Firewalls whose connect (handshake and login) goes on until the test completes the source.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> HeldConnects { get; } = new(StringComparer.OrdinalIgnoreCase);

    private readonly ManualResetEventSlim unblocked = new();

    /// <summary>Lets every exec blocked by <see cref="BlockingOpen"/> go on (so a test does not leave a thread blocked behind it).</summary>
    public void Unblock() => unblocked.Set();

    /// <summary>Holds the firewall's next connects until the returned source is completed.</summary>
    public TaskCompletionSource HoldConnect(string firewall) =>
        HeldConnects[firewall] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every connect attempt, by firewall name.</summary>
    public ConcurrentQueue<string> Connects { get; } = new();

    public void Answer(string firewall, Func<string, (int Status, string Output)> responder) =>
        responders[firewall] = command => { var (status, output) = responder(command); return (status, output, ""); };

    /// <summary>Answers with stdout and stderr apart, as a real exec channel carries them.</summary>
    public void AnswerWithErrors(string firewall, Func<string, (int Status, string Output, string Error)> responder) => responders[firewall] = responder;

    /// <summary>Answers from a command → output table; an unknown command exits 127 as sh does.</summary>
    public void Answer(string firewall, IReadOnlyDictionary<string, string> outputs) =>
        Answer(firewall, command => outputs.TryGetValue(command, out var text) ? (0, text) : (127, ""));

    public async Task<ISshConnection> ConnectAsync(SshTarget target, CancellationToken cancellationToken)
    {
        Connects.Enqueue(target.Name);
        if (Unreachable.ContainsKey(target.Name))
            throw new HaEdgeException("SshUnreachable", FailureKind.ConnectionError, $"{target.Name} ({target}) is unreachable over SSH: Connection refused", target.Name);
        if (HeldConnects.TryGetValue(target.Name, out var held)) await held.Task.WaitAsync(cancellationToken);
        var connection = new Connection(this, target.Name);
        connections.Add(connection);
        return connection;
    }

    /// <summary>A session over the fake: fw1 primary, fw2 secondary, sync addresses as the lab has them.</summary>
    public EdgeSession Session()
    {
        // Read through the definition reader, as Connect-HaEdge does, so the test follows the file format.
        var definition = EdgeDefinitionReader.Parse("""
            {
              "name": "test",
              "proxmox": { "endpoints": ["https://192.0.2.31:8006"], "tokenId": "haedge@pve!edge" },
              "firewalls": [
                { "name": "fw1", "role": "primary", "vmId": 101, "node": "pve1", "syncAddress": "198.51.100.129",
                  "ssh": { "host": "192.0.2.2", "user": "admin", "keyFile": "key" } },
                { "name": "fw2", "role": "secondary", "vmId": 102, "node": "pve2", "syncAddress": "198.51.100.130",
                  "ssh": { "host": "192.0.2.3", "user": "admin", "keyFile": "key" } }
              ],
              "segments": []
            }
            """, "/tmp/fake-edge.json");
        var targets = definition.Firewalls.Select(f => new SshTarget(f.Name, f.Ssh.Host, 22, "admin") { ConnectTimeout = TimeSpan.FromSeconds(1) });
        return new EdgeSession(definition, () => throw new InvalidOperationException("no Proxmox in these tests"), new SshPool(() => this), targets);
    }

    private sealed class Connection(FakeFirewalls owner, string name) : ISshConnection
    {
        public string Name => name;

        public bool Dropped { get; set; }

        public bool Severed { get; set; }

        public string HostKeySha256 => "SHA256:fake";

        public bool IsConnected => !Dropped;

        public async Task<SshCommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            // A batch without the dd wrapper its streams pass through: the fake answers each stream in one piece anyway.
            if (command.StartsWith(CommandBatch.GatherOpen, StringComparison.Ordinal) && command.EndsWith(CommandBatch.GatherClose, StringComparison.Ordinal))
            {
                command = command.Substring(CommandBatch.GatherOpen.Length, command.Length - CommandBatch.GatherOpen.Length - CommandBatch.GatherClose.Length);
            }

            // What the module asked for, without the begin marker every exec carries.
            owner.Execs.Enqueue((name, command.StartsWith(CommandBatch.Prefix, StringComparison.Ordinal) ? command.Substring(CommandBatch.Prefix.Length) : command));
            if (Severed) throw new HaEdgeException(SshErrors.ConnectionLost, FailureKind.ConnectionError, $"{name}: the SSH connection failed: An existing connection was forcibly closed by the remote host.", name);
            if (owner.BlockingOpen.TryGetValue(name, out var block)) owner.unblocked.Wait(block);
            if (owner.Hanging.ContainsKey(name)) await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(cancellationToken);
            var output = new System.Text.StringBuilder(owner.Preamble.TryGetValue(name, out var preamble) ? preamble : "");
            var error = new System.Text.StringBuilder();
            if (!command.StartsWith(CommandBatch.Prefix, StringComparison.Ordinal))
            {
                // Not through FirewallShell (a PVE node's command): run as it is.
                owner.Commands.Enqueue(command);
                var (rawStatus, rawText, rawError) = owner.responders[name](command);
                return new SshCommandResult(command, rawStatus, output.Append(rawText).ToString(), rawError, TimeSpan.FromMilliseconds(1));
            }

            var sent = command.Substring(CommandBatch.Prefix.Length);
            output.Append('\n').Append(CommandBatch.Begin).Append('\n');
            error.Append('\n').Append(CommandBatch.Begin).Append('\n');
            var status = 0;
            if (!sent.StartsWith(CommandBatch.MarkFunction, StringComparison.Ordinal))
            {
                // One command: its status is the exec's.
                owner.Commands.Enqueue(sent);
                (status, var text, var stderr) = owner.responders[name](sent);
                return new SshCommandResult(command, status, output.Append(text).ToString(), error.Append(stderr).ToString(), TimeSpan.FromMilliseconds(1));
            }

            foreach (var piece in sent.Substring(CommandBatch.MarkFunction.Length).Split(CommandBatch.Mark))
            {
                var single = piece.StartsWith("; ", StringComparison.Ordinal) ? piece.Substring(2) : piece;
                if (single.Length == 0) continue;
                owner.Commands.Enqueue(single);
                (status, var text, var stderr) = owner.responders[name](single);
                output.Append(text).Append('\n').Append(CommandBatch.Exit).Append(' ').Append(status).Append('\n');
                error.Append(stderr).Append('\n').Append(CommandBatch.Exit).Append(' ').Append(status).Append('\n');
            }

            return new SshCommandResult(command, status, output.ToString(), error.ToString(), TimeSpan.FromMilliseconds(1));
        }

        public void Dispose()
        {
        }
    }
}
