using HaEdge.Core.Session;
using Xunit;

namespace HaEdge.Core.Tests.Ssh;

/// <summary>
/// What the pool connects to and which host keys it takes: a connector that presents a host key the test chooses and
/// judges it with the real <see cref="HostKeyPolicy"/>, as the SSH.NET connector does in its HostKeyReceived handler.
/// </summary>
public class SshPoolTrustTests
{
    private const string KeyA = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    private const string KeyB = "SHA256:qg9U4VRVyQGLhT0CBdgN34cns6gyC9QcPbjrEG/IDKs";

    private sealed class KeyedConnector : ISshConnector
    {
        public Dictionary<string, string> KeyOfHost { get; } = new();

        public List<SshConnection> Opened { get; } = new();

        public Task<ISshConnection> ConnectAsync(SshTarget target, CancellationToken cancellationToken)
        {
            var presented = KeyOfHost[target.Host];
            var decision = HostKeyPolicy.Decide(target.PinnedHostKey, presented, target.TrustOnFirstUse);
            if (decision is HostKeyDecision.RejectUnknown or HostKeyDecision.RejectChanged) throw HostKeyPolicy.ToError(decision, target, presented);
            var connection = new SshConnection(target, presented);
            Opened.Add(connection);
            return Task.FromResult<ISshConnection>(connection);
        }
    }

    private sealed class SshConnection(SshTarget target, string hostKey) : ISshConnection
    {
        public SshTarget Target { get; } = target;

        public string HostKeySha256 { get; } = hostKey;

        /// <summary>False once the test drops it (a timeout, a restart of the peer).</summary>
        public bool IsConnected { get; set; } = true;

        public Task<SshCommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(new SshCommandResult(command, 0, Target.Host + "\n", "", TimeSpan.Zero));

        public void Dispose() => IsConnected = false;
    }

    private static SshTarget Firewall(string host = "192.0.2.2") => new("fw1", host, 22, "admin") { TrustOnFirstUse = true };

    [Fact]
    public async Task A_key_trusted_on_first_use_is_the_pin_for_every_reconnect()
    {
        var connector = new KeyedConnector { KeyOfHost = { ["192.0.2.2"] = KeyA } };
        using var pool = new SshPool(() => connector);
        var target = Firewall();

        await pool.GetAsync(target, CancellationToken.None);
        Assert.Equal(KeyA, pool.FirstUseKeyOf(target));

        // Someone on the path forces a reconnect and answers with a key of its own.
        connector.Opened[0].IsConnected = false;
        connector.KeyOfHost["192.0.2.2"] = KeyB;
        var refused = await Assert.ThrowsAsync<HaEdgeException>(() => pool.GetAsync(target, CancellationToken.None));

        Assert.Equal("SshHostKeyMismatch", refused.ErrorId);
        Assert.Contains($"presented host key {KeyB}, but {KeyA} is pinned", refused.Message);
        Assert.Single(connector.Opened);
    }

    [Fact]
    public async Task The_first_use_key_holds_when_the_peer_comes_back_with_it()
    {
        var connector = new KeyedConnector { KeyOfHost = { ["192.0.2.2"] = KeyA } };
        using var pool = new SshPool(() => connector);

        await pool.GetAsync(Firewall(), CancellationToken.None);
        connector.Opened[0].IsConnected = false;
        await pool.GetAsync(Firewall(), CancellationToken.None);

        Assert.Equal(2, connector.Opened.Count);
        Assert.Equal((KeyA, false), (connector.Opened[1].Target.PinnedHostKey, connector.Opened[1].Target.TrustOnFirstUse));
    }

    [Fact]
    public async Task A_node_named_like_a_firewall_never_shares_its_connection()
    {
        var connector = new KeyedConnector { KeyOfHost = { ["192.0.2.2"] = KeyA, ["192.0.2.31"] = KeyB } };
        using var pool = new SshPool(() => connector);
        var firewall = new SshTarget("fw1", "192.0.2.2", 22, "admin") { PinnedHostKey = KeyA };
        var node = new SshTarget("FW1", "192.0.2.31", 22, "root") { PinnedHostKey = KeyB, Kind = SshTargetKind.ProxmoxNode };

        var onFirewall = await pool.RunAsync(firewall, "hostname", TimeSpan.FromSeconds(1), CancellationToken.None);
        var onNode = await pool.RunAsync(node, "hostname", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal("192.0.2.2\n", onFirewall.Output);
        Assert.Equal("192.0.2.31\n", onNode.Output);
        Assert.Equal(2, connector.Opened.Count);
    }
}
