using HaEdge.Core.Proxmox;
using Xunit;

namespace HaEdge.Core.Tests.Proxmox;

/// <summary>The real handler against a loopback HTTPS server with a self-signed certificate.</summary>
public class ProxmoxTlsPinningTests
{
    private const string Impostor = """{"data":[{"type":"cluster","name":"impostor","quorate":1,"nodes":1}]}""";

    private const string Status = """{"data":[{"type":"cluster","name":"loopback","quorate":1,"nodes":1}]}""";

    private static ProxmoxClient ClientFor(LoopbackHttpsServer server, string? pin) =>
        new(new ProxmoxClientOptions(new[] { server.Endpoint }, "haedge@pve!edge", ProxmoxTestSecrets.TokenSecret,
            pin == null ? null : new Dictionary<string, string> { [server.Endpoint.Authority] = pin }, TimeSpan.FromSeconds(30)));

    [Fact]
    public async Task The_pinned_certificate_is_accepted()
    {
        using var server = new LoopbackHttpsServer(Status);
        // Lower case without colons: the pin format is forgiving.
        using var client = ClientFor(server, server.Sha256.ToLowerInvariant());

        var status = await client.GetClusterStatusAsync();

        Assert.Equal("loopback", status.ClusterName);
        Assert.Equal(1, server.Answered);
    }

    [Fact]
    public async Task A_different_pin_refuses_the_certificate()
    {
        using var server = new LoopbackHttpsServer(Status);
        var wrongPin = string.Concat(Enumerable.Repeat("0F", 32));
        using var client = ClientFor(server, wrongPin);

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetClusterStatusAsync());

        Assert.Equal("ProxmoxCertificateRejected", error.ErrorId);
        Assert.Equal(FailureKind.SecurityError, error.Kind);
        Assert.Equal(server.Endpoint.Authority, error.Target);
        Assert.Contains(CertificatePin.Normalize(server.Sha256), error.Message);
        Assert.Equal(0, server.Answered);
    }

    [Fact]
    public async Task Without_a_pin_a_self_signed_certificate_is_refused_and_its_pin_is_offered()
    {
        using var server = new LoopbackHttpsServer(Status);
        using var client = ClientFor(server, null);

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetClusterStatusAsync());

        Assert.Equal(("ProxmoxCertificateRejected", FailureKind.SecurityError), (error.ErrorId, error.Kind));
        Assert.Contains("certificateSha256 " + CertificatePin.Normalize(server.Sha256), error.Message);
        Assert.Equal(0, server.Answered);
    }

    [Fact]
    public async Task A_node_presenting_another_nodes_pinned_certificate_is_refused()
    {
        using var pve2 = new LoopbackHttpsServer(Status);
        // Someone answering at pve1's address with pve2's certificate (copied off pve2, or relaying to it).
        using var impostor = new LoopbackHttpsServer(Impostor, pve2.Certificate);
        var pve1Pin = string.Concat(Enumerable.Repeat("0F", 32));
        using var client = new ProxmoxClient(new ProxmoxClientOptions(new[] { impostor.Endpoint, pve2.Endpoint }, "haedge@pve!edge", ProxmoxTestSecrets.TokenSecret,
            new Dictionary<string, string> { [impostor.Endpoint.Authority] = pve1Pin, [pve2.Endpoint.Authority] = pve2.Sha256 }, TimeSpan.FromSeconds(30)));

        var status = await client.GetClusterStatusAsync();

        // pve1's pin is pve1's alone: the impostor is refused and the call goes on to pve2.
        Assert.Equal("loopback", status.ClusterName);
        Assert.Equal((0, 1), (impostor.Answered, pve2.Answered));
    }
}
