using System.Security.Cryptography;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;
using Xunit;

namespace HaEdge.Core.Tests.Ssh;

public class EdgeChangeGateTests
{
        /// <summary>Host keys of this test alone, so no other test or process shares the gate.</summary>
    private static (string Fw1, string Fw2) NewHostKeys() => (NewHostKey(), NewHostKey());

    private static string NewHostKey() => "SHA256:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');

    private static EdgeDefinition Edge(string name, (string Fw1, string Fw2) keys) => EdgeDefinitionReader.Parse($$"""
        {
          "name": "{{name}}",
          "proxmox": { "endpoints": ["https://192.0.2.31:8006"], "tokenId": "haedge@pve!edge" },
          "firewalls": [
            { "name": "fw1", "role": "primary", "vmId": 101, "node": "pve1",
              "ssh": { "host": "192.0.2.2", "user": "admin", "keyFile": "key", "hostKeySha256": "{{keys.Fw1}}" } },
            { "name": "fw2", "role": "secondary", "vmId": 102, "node": "pve2",
              "ssh": { "host": "192.0.2.3", "user": "admin", "keyFile": "key", "hostKeySha256": "{{keys.Fw2}}" } }
          ],
          "segments": []
        }
        """, "/tmp/gate-edge.json");

    [Fact]
    public void A_second_change_on_the_same_edge_is_refused_naming_the_first_until_it_ends()
    {
        var keys = NewHostKeys();
        // Two definitions of one edge (another name, the same firewalls) share the gate.
        var first = EdgeChangeGate.Enter(Edge("site-a", keys), "Set-CarpMaintenance: enter maintenance on fw1");

        var refused = Assert.Throws<HaEdgeException>(() => EdgeChangeGate.Enter(Edge("site-a copy", keys), "Sync-PfConfig: fw1 to fw2"));
        Assert.Equal(("EdgeChangeInProgress", FailureKind.ResourceUnavailable, "site-a copy"), (refused.ErrorId, refused.Kind, refused.Target));
        Assert.Contains("Set-CarpMaintenance: enter maintenance on fw1, process", refused.Message, StringComparison.Ordinal);

        first.Dispose();
        EdgeChangeGate.Enter(Edge("site-a", keys), "Sync-PfConfig: fw1 to fw2").Dispose();
    }

    [Fact]
    public void Edges_with_other_firewalls_change_at_the_same_time()
    {
        using var siteA = EdgeChangeGate.Enter(Edge("site-a", NewHostKeys()), "Test-HaFailover: HardStop");
        // The same addresses (sites behind their own tunnels), other host keys: another edge.
        using var siteB = EdgeChangeGate.Enter(Edge("site-b", NewHostKeys()), "Test-HaFailover: HardStop");
    }
}
