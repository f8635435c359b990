using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;
using HaEdge.Core.Tests.Carp;
using HaEdge.Core.Tests.Definition;
using HaEdge.Core.Tests.Proxmox;
using Xunit;

namespace HaEdge.Core.Tests.Runbooks;

public class NodeMaintenanceServiceTests
{
    /// <summary>fw1 on pve1 and fw2 on pve2 over fake SSH; pve1's ha-manager shim shows in the fake HA status.</summary>
    private sealed class Edge : IDisposable
    {
        private readonly object gate = new();
        private bool fw1Maintenance;
        private bool pve1HaMaintenance;

        public Edge(bool haCommandFails = false)
        {
            Fake.Answer("fw1", command => Firewall(command, primary: true));
            Fake.Answer("fw2", command => Firewall(command, primary: false));
            Fake.Answer("pve1", command =>
            {
                if (haCommandFails) return (255, "ha-manager: cluster not ready - no quorum?");
                lock (gate) pve1HaMaintenance = command.EndsWith("enable pve1", StringComparison.Ordinal);
                return (0, "");
            });
            var handler = new FakeProxmoxHandler(_ =>
            {
                string mode;
                lock (gate) mode = pve1HaMaintenance ? "maintenance mode" : "active";
                return FakeProxmoxHandler.Json($$"""{"data":[{"id":"lrm:pve1","type":"lrm","node":"pve1","status":"pve1 ({{mode}}, Thu Nov 26 05:00:00 2026)"}]}""");
            });
            EdgeDefinition definition = EdgeDefinitionReader.Parse(EdgeDefinitionReaderTests.Valid.Replace("\"tokenId\": \"haedge@pve!edge\",", """
                "tokenId": "haedge@pve!edge",
                "ssh": { "user": "root", "nodes": { "pve1": { "host": "192.0.2.31", "hostKeySha256": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" } } },
                """), "/defs/edge.json");
            var targets = definition.Firewalls.Select(f => new SshTarget(f.Name, f.Ssh.Host, 22, "admin"));
            Session = new EdgeSession(definition, () => handler.Client(), new SshPool(() => Fake), targets);
            Service = new NodeMaintenanceService(Session, TimeSpan.FromSeconds(2)) { PollInterval = TimeSpan.FromMilliseconds(10) };
        }

        public FakeFirewalls Fake { get; } = new();

        public EdgeSession Session { get; }

        public NodeMaintenanceService Service { get; }

        public FirewallDefinition Fw1 => Session.Definition.Primary;

        public void Dispose() => Session.Dispose();

        /// <summary>The election settles at once: fw1 MASTER unless in maintenance mode.</summary>
        private (int, string) Firewall(string command, bool primary)
        {
            lock (gate)
            {
                switch (command)
                {
                    case PfSenseCommands.EnableMaintenance:
                    case PfSenseCommands.DisableMaintenance:
                        fw1Maintenance = command == PfSenseCommands.EnableMaintenance;
                        return (0, "");
                    case "sysctl net.inet.carp":
                        return (0, CarpSamples.FromSourceSysctlHealthy);
                    case "ifconfig":
                        bool master = primary != fw1Maintenance;
                        int skew = primary ? (fw1Maintenance ? 254 : 0) : 100;
                        return (0, CarpSamples.FromSourceCarpLine(master ? "MASTER" : "BACKUP", 1, skew));
                    default:
                        return (127, "");
                }
            }
        }
    }

    [Fact]
    public async Task SuspendMovesTheEdgeThenDrainsTheNodeAndResumeUndoesItInReverse()
    {
        using var edge = new Edge();

        HaEdgeNodeMaintenanceResult suspended = await edge.Service.SuspendAsync(edge.Fw1, true, TimeSpan.FromSeconds(30), false, SilentReporter.Instance, CancellationToken.None);
        HaEdgeNodeMaintenanceResult resumed = await edge.Service.ResumeAsync(edge.Fw1, true, TimeSpan.FromSeconds(30), false, SilentReporter.Instance, CancellationToken.None);

        Assert.True(suspended.Verified);
        Assert.True(suspended.HaMaintenance);
        Assert.Equal(("pve1", "fw1", "fw2"), (suspended.Node, suspended.Firewall, suspended.Peer));
        Assert.Equal(CarpState.Master, Assert.Single(suspended.Vips, v => v.Firewall == "fw2").State);
        Assert.True(resumed.Verified);
        Assert.False(resumed.HaMaintenance);
        Assert.Equal(CarpState.Master, Assert.Single(resumed.Vips, v => v.Firewall == "fw1").State);
        // CARP first on the way out, HA first on the way back.
        var order = edge.Fake.Commands.Where(c => c.Contains("maint", StringComparison.Ordinal) || c.StartsWith("ha-manager", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[]
        {
            PfSenseCommands.EnableMaintenance, "ha-manager crm-command node-maintenance enable pve1",
            "ha-manager crm-command node-maintenance disable pve1", PfSenseCommands.DisableMaintenance,
        }, order);
    }

    [Fact]
    public void SuspendingBothNodesIsRefusedResumingThemIsNot()
    {
        EdgeDefinition edge = EdgeDefinitionReader.Parse(EdgeDefinitionReaderTests.Valid, "edge.json");
        FirewallDefinition[] both = edge.Firewalls.ToArray();

        HaEdgeException? refusal = NodeMaintenanceService.RefuseBothNodes(both, NodeMaintenanceAction.Suspend);

        Assert.Equal(("NodeMaintenanceWholeEdge", FailureKind.InvalidOperation), (refusal?.ErrorId, refusal?.Kind));
        Assert.StartsWith($"Nothing was changed: {both[0].Node} and {both[1].Node} carry both firewalls of the pair", refusal!.Message, StringComparison.Ordinal);
        Assert.Null(NodeMaintenanceService.RefuseBothNodes(both, NodeMaintenanceAction.Resume));
        Assert.Null(NodeMaintenanceService.RefuseBothNodes(both.Take(1).ToArray(), NodeMaintenanceAction.Suspend));
    }

    [Fact]
    public async Task AFailedHaCommandSaysTheEdgeDidMove()
    {
        using var edge = new Edge(haCommandFails: true);

        var error = await Assert.ThrowsAsync<HaEdgeException>(() =>
            edge.Service.SuspendAsync(edge.Fw1, true, TimeSpan.FromSeconds(30), false, SilentReporter.Instance, CancellationToken.None));

        Assert.Equal("HaMaintenanceNotEntered", error.ErrorId);
        Assert.Contains("fw1 is in CARP maintenance (its peer holds every VIP), but pve1 did not enter HA maintenance", error.Message, StringComparison.Ordinal);
        Assert.Contains("no quorum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutHaMaintenanceNoNodeIsTouched()
    {
        using var edge = new Edge();

        HaEdgeNodeMaintenanceResult suspended = await edge.Service.SuspendAsync(edge.Fw1, false, TimeSpan.FromSeconds(30), true, SilentReporter.Instance, CancellationToken.None);

        Assert.Null(suspended.HaMaintenance);
        Assert.True(suspended.Forced);
        Assert.DoesNotContain(edge.Fake.Execs, e => e.Firewall == "pve1");
    }
}
