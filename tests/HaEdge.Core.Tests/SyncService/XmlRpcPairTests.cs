using HaEdge.Core.ConfigSync;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;
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
}
