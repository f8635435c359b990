using HaEdge.Core.ConfigSync;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;
using HaEdge.Core.Tests.Proxmox;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.SyncService;

public class XmlRpcPairTests
{
    private static XmlRpcDefinition XmlRpc(string? variable) => new(new Uri("https://192.0.2.2/xmlrpc.php"), "hasync", variable, null);

    [Fact]
    public void A_firewall_without_an_xmlrpc_entry_is_named()
    {
        var failure = Assert.Throws<HaEdgeException>(() => XmlRpcPair.Open(FakeSyncPair.Definition("10.0.0.1", "10.0.0.2"), null, null));

        Assert.Equal(("XmlRpcNotConfigured", FailureKind.InvalidArgument, "fw1"), (failure.ErrorId, failure.Kind, failure.Target));
        Assert.Contains("/tmp/edge.json", failure.Message);
    }

    [Fact]
    public void An_unset_password_variable_is_named()
    {
        var variable = "HAEDGE_TEST_XMLRPC_" + Guid.NewGuid().ToString("N");

        var failure = Assert.Throws<HaEdgeException>(() => XmlRpcPair.Open(FakeSyncPair.Definition("10.0.0.1", "10.0.0.2", XmlRpc(variable)), null, null));
        var noVariable = Assert.Throws<HaEdgeException>(() => XmlRpcPair.Open(FakeSyncPair.Definition("10.0.0.1", "10.0.0.2", XmlRpc(null)), null, null));

        Assert.Equal(("XmlRpcPasswordMissing", "fw1"), (failure.ErrorId, failure.Target));
        Assert.Contains(variable + " is not set", failure.Message);
        Assert.Contains("-XmlRpcCredential", noVariable.Message);
    }

    [Fact]
    public void The_password_comes_from_the_variable_or_the_credential_and_never_prints()
    {
        var variable = "HAEDGE_TEST_XMLRPC_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-the-variable");
        try
        {
            using var fromVariable = XmlRpcPair.Open(FakeSyncPair.Definition("10.0.0.1", "10.0.0.2", XmlRpc(variable)), null, null);
            using var fromCredential = XmlRpcPair.Open(FakeSyncPair.Definition("10.0.0.1", "10.0.0.2", XmlRpc(variable)), "admin", new Secret("given"));

            Assert.IsType<PfXmlRpcClient>(fromVariable.Primary);
            Assert.DoesNotContain("from-the-variable", fromVariable.Primary.ToString() + fromVariable.Secondary);
            Assert.DoesNotContain("given", fromCredential.Primary.ToString() + fromCredential.Secondary);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_session_keeps_each_firewalls_connections_for_every_command_until_it_is_closed()
    {
        using var server = new LoopbackHttpsServer(RealFixture.Body("pfsense-xmlrpc/slamdev-host_firmware_version-response-2.7.0.xml.txt"),
            headers: "Content-Type: text/xml\r\n");
        var definition = FakeSyncPair.Definition("10.0.0.1", "10.0.0.2",
            new XmlRpcDefinition(new Uri(server.Endpoint, "/xmlrpc.php"), "hasync", null, server.Sha256));
        var session = new EdgeSession(definition, () => throw new InvalidOperationException("no Proxmox in this test"),
            new SshPool(() => throw new InvalidOperationException("no SSH in this test")), Array.Empty<SshTarget>());

        // One command's clients are disposed when it ends; the next command's still read over the session's connections.
        XmlRpcPair.Open(definition, null, new Secret("s3cret"), session.XmlRpcHandlerOf).Dispose();
        using (var next = XmlRpcPair.Open(definition, null, new Secret("s3cret"), session.XmlRpcHandlerOf))
        {
            Assert.Equal("2.7.0-RELEASE", (await next.Primary.HostFirmwareVersionAsync()).FirmwareVersion);
        }

        Assert.Same(session.XmlRpcHandlerOf(definition.Primary), session.XmlRpcHandlerOf(definition.Primary));
        Assert.NotSame(session.XmlRpcHandlerOf(definition.Primary), session.XmlRpcHandlerOf(definition.Secondary));
        session.Dispose();
        Assert.Equal("SessionClosed", Assert.Throws<HaEdgeException>(() => session.XmlRpcHandlerOf(definition.Primary)).ErrorId);
    }
}
