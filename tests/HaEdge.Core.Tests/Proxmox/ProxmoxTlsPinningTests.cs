using HaEdge.Core.Net;
using HaEdge.Core.Proxmox;
using Xunit;

namespace HaEdge.Core.Tests.Proxmox;

/// <summary>The real handler against a loopback HTTPS server with a self-signed certificate.</summary>
public class ProxmoxTlsPinningTests
{
    private const string Status = """{"data":[{"type":"cluster","name":"loopback","quorate":1,"nodes":1}]}""";

    private static ProxmoxClient ClientFor(LoopbackHttpsServer server, string? pin) =>
        new(new ProxmoxClientOptions(new[] { server.Endpoint }, "haedge@pve!edge", ProxmoxTestSecrets.TokenSecret, pin == null ? null : new[] { pin }, TimeSpan.FromSeconds(30)));

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
}
