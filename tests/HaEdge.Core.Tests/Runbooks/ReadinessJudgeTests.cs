using HaEdge.Core.Carp;
using HaEdge.Core.Checks;
using HaEdge.Core.Definition;
using HaEdge.Core.Gateways;
using HaEdge.Core.Inventory;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Tests.Definition;
using Xunit;

namespace HaEdge.Core.Tests.Runbooks;

public class ReadinessJudgeTests
{
    internal static readonly EdgeDefinition Edge = EdgeDefinitionReader.Parse(EdgeDefinitionReaderTests.Valid, "/defs/edge.json");

    private static readonly ClusterStatus TwoNodes = new()
    {
        ClusterName = "hel",
        Quorate = true,
        IsCluster = true,
        Nodes = new[] { new ClusterNodeStatus { Name = "pve1", Online = true }, new ClusterNodeStatus { Name = "pve2", Online = true } },
    };

    private static HaStatusEntry Lrm(string node, string mode) =>
        new() { Id = "lrm:" + node, Type = "lrm", Node = node, Status = $"{node} ({mode}, Thu Nov 26 04:11:00 2026)" };

    [Fact]
    public void AQuorateClusterWithEveryNodeOnlinePasses()
    {
        HaEdgeCheckResult result = ReadinessJudge.Quorum(Edge, TwoNodes, new[] { Lrm("pve1", "active"), Lrm("pve2", "idle") });

        Assert.Equal(ReadinessVerdict.Passed, result.Verdict);
        Assert.Equal("hel: quorate, 2 of 2 nodes online.", result.Summary);
    }

    [Fact]
    public void LostQuorumAndAnOfflineFirewallNodeFail()
    {
        var cluster = TwoNodes with { Quorate = false, Nodes = new[] { TwoNodes.Nodes[0], TwoNodes.Nodes[1] with { Online = false } } };

        HaEdgeCheckResult result = ReadinessJudge.Quorum(Edge, cluster, Array.Empty<HaStatusEntry>());

        Assert.Equal(ReadinessVerdict.Failed, result.Verdict);
        Assert.Equal(new[] { ReadinessJudge.ClusterNotQuorate, ReadinessJudge.NodeOffline }, result.Findings.Select(f => f.Code));
        Assert.Equal("pve2", result.Findings[1].Target);
    }

    [Fact]
    public void ANodeInHaMaintenanceIsAWarningNamingTheWayBack()
    {
        HaEdgeCheckResult result = ReadinessJudge.Quorum(Edge, TwoNodes, new[] { Lrm("pve1", "maintenance mode"), Lrm("pve2", "active") });

        Assert.Equal(ReadinessVerdict.Warning, result.Verdict);
        Finding finding = Assert.Single(result.Findings);
        Assert.Equal(ReadinessJudge.NodeInHaMaintenance, finding.Code);
        Assert.Contains("Resume-HaEdgeNode -Node pve1 -HaMaintenance", finding.Remediation, StringComparison.Ordinal);
    }

    private static HaEdgeVm Vm(string firewall, int id, string node, string expected, string status = "running") =>
        new() { Firewall = firewall, VmId = id, Node = node, ExpectedNode = expected, Status = status };

    [Fact]
    public void BothVmsRunningOnTheirOwnNodesPass()
    {
        HaEdgeCheckResult result = ReadinessJudge.VmPlacement(new[] { Vm("fw1", 101, "pve1", "pve1"), Vm("fw2", 102, "pve2", "pve2") });

        Assert.Equal(ReadinessVerdict.Passed, result.Verdict);
        Assert.Equal("fw1 running on pve1, fw2 running on pve2.", result.Summary);
    }

    [Fact]
    public void AStoppedVmAndSharedNodeFail()
    {
        HaEdgeCheckResult result = ReadinessJudge.VmPlacement(new[] { Vm("fw1", 101, "pve1", "pve1", "stopped"), Vm("fw2", 102, "pve1", "pve2") });

        Assert.Equal(ReadinessVerdict.Failed, result.Verdict);
        Assert.Equal(new[] { ReadinessJudge.VmNotRunning, ReadinessJudge.VmNotOnItsNode, ReadinessJudge.VmsOnSameNode }, result.Findings.Select(f => f.Code));
    }

    [Fact]
    public void AMissingVmFailsWithoutAPlacementComplaint()
    {
        HaEdgeCheckResult result = ReadinessJudge.VmPlacement(new[] { Vm("fw1", 101, "", "pve1", "missing"), Vm("fw2", 102, "pve2", "pve2") });

        Assert.Equal(ReadinessJudge.VmMissing, Assert.Single(result.Findings).Code);
    }

    [Fact]
    public void AntiAffinityLeavesPlacementToTheVmCheck()
    {
        var findings = new[]
        {
            new Finding(FindingSeverity.Error, AntiAffinityCheck.VmsOnSameNode, "pve1", "both on pve1", "move"),
            new Finding(FindingSeverity.Warning, AntiAffinityCheck.TwoVoteCluster, "hel", "two votes", "add a QDevice"),
        };

        HaEdgeCheckResult result = ReadinessJudge.AntiAffinity(findings);

        Assert.Equal(ReadinessVerdict.Warning, result.Verdict);
        Assert.Equal(AntiAffinityCheck.TwoVoteCluster, Assert.Single(result.Findings).Code);
        Assert.Equal("0 errors, 1 warnings: TwoVoteCluster.", result.Summary);
    }

    private static CarpNodeReading Node(string firewall, FirewallRole role, string state, int skew, int demotion = 0) =>
        new(firewall, role,
            new[] { 1, 3 }.Select(vhid => new CarpVip { Interface = "vtnet1", Vhid = vhid, State = Enum.Parse<CarpState>(state, true), AdvBase = 1, AdvSkew = skew }).ToList(),
            new CarpSysctl { Allow = true, Preempt = true, Demotion = demotion });

    [Fact]
    public void AHealthyPairPasses()
    {
        var report = new CarpPairReport(new[] { Node("fw1", FirewallRole.Primary, "MASTER", 0), Node("fw2", FirewallRole.Secondary, "BACKUP", 100) });

        HaEdgeCheckResult result = ReadinessJudge.Carp(report);

        Assert.Equal(ReadinessVerdict.Passed, result.Verdict);
        Assert.Equal("2 VIPs, MASTER on fw1.", result.Summary);
    }

    [Fact]
    public void DuringMaintenanceCarpAgreesWithGetCarpStatusAndStandbyFailsOnceNamingTheFirewall()
    {
        // fw1 in maintenance (advskew 254): every VIP Healthy on fw2, flagged MaintenanceOn, and no standby left.
        var report = new CarpPairReport(new[] { Node("fw1", FirewallRole.Primary, "BACKUP", 254), Node("fw2", FirewallRole.Secondary, "MASTER", 100) });

        HaEdgeCheckResult carp = ReadinessJudge.Carp(report);
        HaEdgeCheckResult standby = ReadinessJudge.Standby(report);

        Assert.All(report.Vips, v => Assert.Equal(CarpPairVerdict.Healthy, v.Verdict));
        Assert.Equal(ReadinessVerdict.Passed, carp.Verdict);
        Assert.Empty(carp.Findings);
        Finding finding = Assert.Single(standby.Findings);
        Assert.Equal(ReadinessJudge.CarpMaintenanceOn, finding.Code);
        Assert.Equal("fw1", finding.Target);
        Assert.Equal(ReadinessVerdict.Failed, standby.Verdict);
        Assert.Equal("fw1 in maintenance mode; standing by: fw2.", standby.Summary);
    }

    [Fact]
    public void StandbyPassesWhenNeitherFirewallIsInMaintenanceAndFailsWhenOneCannotBeRead()
    {
        var healthy = new CarpPairReport(new[] { Node("fw1", FirewallRole.Primary, "MASTER", 0), Node("fw2", FirewallRole.Secondary, "BACKUP", 100) });
        var lost = new CarpPairReport(new[]
        {
            Node("fw1", FirewallRole.Primary, "MASTER", 0),
            new CarpNodeReading("fw2", FirewallRole.Secondary, new HaEdgeException("SshUnreachable", FailureKind.ConnectionError, "fw2 is unreachable", "fw2")),
        });

        Assert.Equal(ReadinessVerdict.Passed, ReadinessJudge.Standby(healthy).Verdict);
        Assert.Equal(ReadinessJudge.FirewallUnreadable, Assert.Single(ReadinessJudge.Standby(lost).Findings).Code);
    }

    [Fact]
    public void SplitBrainAnUnreadableFirewallAndDemotionAreReported()
    {
        var both = new CarpPairReport(new[] { Node("fw1", FirewallRole.Primary, "MASTER", 0), Node("fw2", FirewallRole.Secondary, "MASTER", 100, demotion: 240) });
        var lost = new CarpPairReport(new[]
        {
            Node("fw1", FirewallRole.Primary, "MASTER", 0),
            new CarpNodeReading("fw2", FirewallRole.Secondary, new HaEdgeException("SshUnreachable", FailureKind.ConnectionError, "fw2 is unreachable", "fw2")),
        });

        var split = ReadinessJudge.Carp(both).Findings.Select(f => f.Code).ToList();
        var unreadable = ReadinessJudge.Carp(lost).Findings;

        Assert.Equal(new[] { ReadinessJudge.CarpNotHealthy, ReadinessJudge.CarpNotHealthy, ReadinessJudge.CarpDemoted }, split);
        Assert.Equal(ReadinessJudge.FirewallUnreadable, unreadable[0].Code);
        Assert.Equal("fw2", unreadable[0].Target);
        Assert.All(unreadable.Skip(1), f => Assert.Equal(ReadinessJudge.CarpNotHealthy, f.Code));
    }

    [Fact]
    public void PfsyncReasonsBecomeFindingsOnTheFirewallTheyName()
    {
        var nodes = new[]
        {
            new PfsyncNodeStatus { Firewall = "fw1", Reachable = true, StateEntries = 12, Verdict = PfsyncVerdict.NotInSync, Reasons = new[] { "fw2: the pfsync bulk update has not completed (syncok: 0)." } },
            new PfsyncNodeStatus { Firewall = "fw2", Reachable = true, StateEntries = 3, Verdict = PfsyncVerdict.NotInSync, Reasons = new[] { "fw2: the pfsync bulk update has not completed (syncok: 0)." } },
        };

        HaEdgeCheckResult result = ReadinessJudge.Pfsync(nodes, Array.Empty<HaEdgeException>());

        Finding finding = Assert.Single(result.Findings);
        Assert.Equal("fw2", finding.Target);
        Assert.Equal("fw1 12 states, fw2 3 states: NotInSync.", result.Summary);
    }

    private static PfGateway Gateway(string firewall, string name, GatewayHealth health, string status = "online") =>
        new() { Firewall = firewall, Name = name, Health = health, Status = status, Substatus = "none" };

    [Fact]
    public void GatewaysMustBeOnlineOnBoth()
    {
        var gateways = new[]
        {
            Gateway("fw1", "WAN_FIBRE", GatewayHealth.Online), Gateway("fw1", "WAN_SLINK", GatewayHealth.Warning, "online"),
            Gateway("fw2", "WAN_FIBRE", GatewayHealth.Online), Gateway("fw2", "WAN_SLINK", GatewayHealth.Down, "down"),
        };

        HaEdgeCheckResult result = ReadinessJudge.Gateways(Edge, gateways, Array.Empty<HaEdgeException>());

        Assert.Equal(ReadinessVerdict.Failed, result.Verdict);
        Assert.Equal(new[] { (ReadinessJudge.GatewayDegraded, "fw1"), (ReadinessJudge.GatewayDown, "fw2") }, result.Findings.Select(f => (f.Code, f.Target)));
        Assert.Equal("2 of 4 gateways online on fw1 and fw2.", result.Summary);
    }

    [Fact]
    public void AnUnreadableFirewallIsNotAlsoReportedAsGatewayless()
    {
        var failure = new HaEdgeException("SshCommandTimeout", FailureKind.OperationTimeout, "fw2 gave no answer", "fw2");

        HaEdgeCheckResult result = ReadinessJudge.Gateways(Edge, new[] { Gateway("fw1", "WAN", GatewayHealth.Online) }, new[] { failure });

        Assert.Equal(new[] { ReadinessJudge.FirewallUnreadable }, result.Findings.Select(f => f.Code));
    }

    [Fact]
    public void DriftIsNotConfiguredWithoutXmlRpc()
    {
        HaEdgeCheckResult result = ReadinessJudge.ConfigDriftNotConfigured(Edge);

        Assert.Equal(ReadinessVerdict.NotConfigured, result.Verdict);
        Assert.Contains("fw2 has no xmlrpc entry", result.Summary, StringComparison.Ordinal);
        Assert.False(EdgeReadinessService.DriftConfigured(Edge));
    }

    [Fact]
    public void ACheckThatCannotRunFailsAlone()
    {
        var error = new HaEdgeException("ProxmoxUnreachable", FailureKind.ConnectionError, "no endpoint answered", "https://192.0.2.31:8006/");

        HaEdgeCheckResult result = ReadinessJudge.Failed(ReadinessChecks.Quorum, error, TimeSpan.FromSeconds(1));

        Assert.Equal(ReadinessVerdict.Failed, result.Verdict);
        Assert.Equal(ReadinessJudge.CheckFailed, Assert.Single(result.Findings).Code);
        Assert.Contains("ProxmoxUnreachable", result.Findings[0].Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void WarningsAndSkippedChecksStayGreen()
    {
        var readiness = new HaEdgeReadiness
        {
            Checks = new[]
            {
                new HaEdgeCheckResult { Check = ReadinessChecks.Quorum, Verdict = ReadinessVerdict.Warning },
                new HaEdgeCheckResult { Check = ReadinessChecks.ConfigDrift, Verdict = ReadinessVerdict.NotConfigured },
            },
        };

        Assert.True(readiness.Ready);
        Assert.Empty(readiness.Failed);
    }

    [Fact]
    public void Reasons_name_each_message_once_with_its_checks_errors_first()
    {
        var pin = new HaEdgeException("ProxmoxCertificateMismatch", FailureKind.SecurityError, "The certificate of https://192.0.2.31:8006/ does not match its pin.", "https://192.0.2.31:8006/");
        var demoted = new Finding(FindingSeverity.Warning, ReadinessJudge.CarpDemoted, "fw1", "fw1: net.inet.carp.demotion is 240.", "Find what demoted it.");
        var readiness = new HaEdgeReadiness
        {
            Checks = new[]
            {
                ReadinessJudge.Failed(ReadinessChecks.Quorum, pin, TimeSpan.Zero),
                new HaEdgeCheckResult { Check = ReadinessChecks.Carp, Verdict = ReadinessVerdict.Warning, Findings = new[] { demoted } },
                ReadinessJudge.Failed(ReadinessChecks.VmPlacement, pin, TimeSpan.Zero),
                new HaEdgeCheckResult { Check = ReadinessChecks.Pfsync, Verdict = ReadinessVerdict.Passed, Summary = "in sync." },
                new HaEdgeCheckResult { Check = ReadinessChecks.Gateways, Verdict = ReadinessVerdict.Failed, Summary = "fw2 did not answer." },
            },
        };

        Assert.Equal(
            new[]
            {
                "Quorum, VmPlacement: " + readiness.Checks[0].Findings[0].Message,
                "Gateways: fw2 did not answer.",
                "Carp: fw1: net.inet.carp.demotion is 240.",
            },
            readiness.Reasons);
    }
}
