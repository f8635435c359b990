using HaEdge.Core.Checks;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;
using HaEdge.Core.Tests.Carp;
using HaEdge.Core.Tests.Definition;
using Xunit;

namespace HaEdge.Core.Tests.Runbooks;

public class RunbookGateTests
{
    private static readonly EdgeDefinition Edge = ReadinessJudgeTests.Edge;

    private static HaEdgeReadiness With(params (string Check, Finding Finding)[] findings) => new()
    {
        Edge = "lab",
        Checks = findings.GroupBy(f => f.Check).Select(g => new HaEdgeCheckResult
        {
            Check = g.Key,
            Findings = g.Select(f => f.Finding).ToList(),
            Verdict = ReadinessJudge.VerdictOf(g.Select(f => f.Finding)),
        }).ToList(),
    };

    private static Finding Error(string code, string target) => new(FindingSeverity.Error, code, target, $"{code} on {target}", "fix it");

    [Fact]
    public void FindsTheFirewallOnANodeWhateverTheCase()
    {
        Assert.Equal("fw2", RunbookGate.FirewallOn(Edge, "PVE2").Name);
        var error = Assert.Throws<HaEdgeException>(() => RunbookGate.FirewallOn(Edge, "pve3"));
        Assert.Equal("NodeHasNoFirewall", error.ErrorId);
        Assert.Contains("pve1 and pve2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SuspendNeedsEverythingGreen()
    {
        var readiness = With((ReadinessChecks.Standby, Error(ReadinessJudge.CarpMaintenanceOn, "fw1")));

        var blockers = RunbookGate.Blockers(readiness, NodeMaintenanceAction.Suspend, Edge.Primary);

        Assert.Single(blockers);
        HaEdgeException refusal = RunbookGate.Refusal("pve1", NodeMaintenanceAction.Suspend, blockers);
        Assert.Equal("HaEdgeNotReady", refusal.ErrorId);
        Assert.StartsWith("Suspend-HaEdgeNode pve1 refused, nothing was changed", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("CarpMaintenanceOn [fw1]", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("-Force", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeExpectsOnlyItsOwnFirewallInMaintenance()
    {
        var own = With((ReadinessChecks.Standby, Error(ReadinessJudge.CarpMaintenanceOn, "fw1")));
        var more = With((ReadinessChecks.Standby, Error(ReadinessJudge.CarpMaintenanceOn, "fw1")), (ReadinessChecks.Gateways, Error(ReadinessJudge.GatewayDown, "fw1")));
        var peer = With((ReadinessChecks.Standby, Error(ReadinessJudge.CarpMaintenanceOn, "fw2")));

        Assert.Empty(RunbookGate.Blockers(own, NodeMaintenanceAction.Resume, Edge.Primary));
        Assert.Equal(ReadinessJudge.GatewayDown, Assert.Single(RunbookGate.Blockers(more, NodeMaintenanceAction.Resume, Edge.Primary)).Code);
        Assert.Single(RunbookGate.Blockers(peer, NodeMaintenanceAction.Resume, Edge.Primary));
    }

    [Fact]
    public void WarningsNeverBlock()
    {
        var readiness = With((ReadinessChecks.AntiAffinity, new Finding(FindingSeverity.Warning, "TwoVoteCluster", "hel", "two votes", "add a QDevice")));

        Assert.Empty(RunbookGate.Blockers(readiness, NodeMaintenanceAction.Suspend, Edge.Primary));
    }

    [Fact]
    public async Task ACheckThatThrowsIsTimedAndFailedWithoutStoppingTheOthers()
    {
        var failing = EdgeReadinessService.Timed(ReadinessChecks.Pfsync, () => throw new HaEdgeException("SshUnreachable", FailureKind.ConnectionError, "fw1 refused", "fw1"));
        // The check times itself: its time must be within the one Timed reports, however long the machine made it.
        var ran = TimeSpan.Zero;
        var passing = EdgeReadinessService.Timed(ReadinessChecks.Quorum, async () =>
        {
            var own = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(20);
            ran = own.Elapsed;
            return new HaEdgeCheckResult { Check = ReadinessChecks.Quorum, Verdict = ReadinessVerdict.Passed };
        });

        HaEdgeCheckResult[] results = await Task.WhenAll(failing, passing);

        Assert.Equal(ReadinessVerdict.Failed, results[0].Verdict);
        Assert.Equal("fw1", results[0].Findings[0].Target);
        Assert.Equal(ReadinessVerdict.Passed, results[1].Verdict);
        Assert.True(ran > TimeSpan.Zero && results[1].Elapsed >= ran, $"the check ran {ran}, Timed reported {results[1].Elapsed}");
    }
}

public class PveNodeShellTests
{
    private const string Ssh = """
        "ssh": { "user": "root", "keyFile": "keys/id_ed25519",
                 "nodes": { "pve1": { "host": "192.0.2.31", "hostKeySha256": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" } } },
        """;

    private static EdgeDefinition WithSsh() => EdgeDefinitionReader.Parse(
        EdgeDefinitionReaderTests.Valid.Replace("\"tokenId\": \"haedge@pve!edge\",", "\"tokenId\": \"haedge@pve!edge\",\n" + Ssh), "/defs/edge.json");

    [Fact]
    public void TheTargetIsPinnedAndNeverTrustedOnFirstUse()
    {
        SshTarget target = PveNodeShell.TargetFor(WithSsh(), "PVE1");

        Assert.Equal("root@192.0.2.31:22", target.ToString());
        Assert.Equal("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", target.PinnedHostKey);
        Assert.False(target.TrustOnFirstUse);
        Assert.Equal("/defs/keys/id_ed25519", target.KeyFile);
    }

    [Fact]
    public void WithoutProxmoxSshTheErrorSaysWhatToAdd()
    {
        var none = Assert.Throws<HaEdgeException>(() => PveNodeShell.TargetFor(ReadinessJudgeTests.Edge, "pve1"));
        var unknown = Assert.Throws<HaEdgeException>(() => PveNodeShell.TargetFor(WithSsh(), "pve2"));

        Assert.Equal("ProxmoxSshNotConfigured", none.ErrorId);
        Assert.Contains("add proxmox.ssh", none.Message, StringComparison.Ordinal);
        Assert.Equal("ProxmoxSshNodeUnknown", unknown.ErrorId);
    }

    [Fact]
    public async Task RunsTheHaManagerCommandOnTheNodeAndReportsAFailure()
    {
        var fake = new FakeFirewalls();
        int status = 0;
        fake.Answer("pve1", command => (status, status == 0 ? "" : "ha-manager: no quorum"));
        EdgeDefinition edge = WithSsh();
        using var session = new EdgeSession(edge, () => throw new InvalidOperationException("no Proxmox here"), new SshPool(() => fake), Array.Empty<SshTarget>());
        var shell = new PveNodeShell(session, TimeSpan.FromSeconds(2));

        await shell.RunAsync("pve1", NodeMaintenanceService.HaMaintenanceCommand("pve1", enable: true), CancellationToken.None);
        status = 1;
        var error = await Assert.ThrowsAsync<HaEdgeException>(() => shell.RunAsync("pve1", NodeMaintenanceService.HaMaintenanceCommand("pve1", enable: false), CancellationToken.None));

        Assert.Equal(new[] { "ha-manager crm-command node-maintenance enable pve1", "ha-manager crm-command node-maintenance disable pve1" }, fake.Commands);
        Assert.Equal("PveCommandFailed", error.ErrorId);
        Assert.Contains("no quorum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pve1\n")]
    [InlineData("pve1; reboot")]
    [InlineData("-pve1")]
    public void The_HA_maintenance_command_refuses_a_node_name_that_is_no_PVE_node_name(string node)
    {
        var error = Assert.Throws<HaEdgeException>(() => NodeMaintenanceService.HaMaintenanceCommand(node, enable: true));

        Assert.Equal("NodeNameInvalid", error.ErrorId);
    }
}
