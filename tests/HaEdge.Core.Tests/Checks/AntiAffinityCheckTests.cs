using System.Net;
using System.Text.Json.Nodes;
using HaEdge.Core.Checks;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;
using Xunit;
using static HaEdge.Core.Checks.AntiAffinityCheck;

namespace HaEdge.Core.Tests.Checks;

/// <summary>One case per Assert-AntiAffinity rule: break one thing in a clean PVE world, read it back, expect exactly these findings.</summary>
public class AntiAffinityCheckTests
{
    private const FindingSeverity E = FindingSeverity.Error;
    private const FindingSeverity W = FindingSeverity.Warning;
    private const FindingSeverity I = FindingSeverity.Information;

    private sealed record Case(Action<PveWorld> Break, params (string Code, FindingSeverity Severity)[] Expected);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["clean PVE 9 pair"] = new(_ => { }),
        ["a firewall VM the cluster does not have"] = new(world => Remove(world.Array("/cluster/resources?type=vm"), "vmid", PveWorld.Fw2),
            (VmMissing, E)),
        ["both VMs on one node"] = new(world => world.MoveVm(PveWorld.Fw2, "node1"),
            (VmsOnSameNode, E)),
        ["no negative rule, VMs are HA resources"] = new(world => world.Array("/cluster/ha/rules").Clear(),
            (AntiAffinityRuleMissing, E), (HaRecoveryCanColocate, W), (HaRecoveryCanColocate, W)),
        ["no negative rule, VMs not in HA"] = new(world => { world.Array("/cluster/ha/rules").Clear(); world.Array("/cluster/ha/resources").Clear(); },
            (PlacementByConfiguration, I)),
        ["VMs not in HA, both on one node"] = new(world => { NotInHa(world); world.MoveVm(PveWorld.Fw2, "node1"); },
            (VmsOnSameNode, E)),
        ["only fw1 in HA"] = new(world => { world.Array("/cluster/ha/rules").Clear(); world.Array("/cluster/ha/resources").RemoveAt(1); },
            (HaManagesOneFirewall, E)),
        ["only fw1 in HA, pinned to its node by a strict node-affinity rule"] = new(world =>
            {
                world.Array("/cluster/ha/resources").RemoveAt(1);
                world.Answer("/cluster/ha/rules", new JsonArray(NodeRule("fw1-home", "vm:101", "node1", strict: 1)));
            }),
        ["PVE 9, pinned apart by strict node-affinity rules (migrated PVE 8 groups)"] = new(world => world.Answer("/cluster/ha/rules", new JsonArray(
                NodeRule("ha-group-fw1-only", "vm:101", "node1", strict: 1), NodeRule("ha-group-fw2-only", "vm:102", "node2", strict: 1)))),
        ["PVE 9, node-affinity rules that are not strict"] = new(world => world.Answer("/cluster/ha/rules", new JsonArray(
                NodeRule("fw1-home", "vm:101", "node1", strict: 0), NodeRule("fw2-home", "vm:102", "node2", strict: 0))),
            (AntiAffinityRuleMissing, E), (HaRecoveryCanColocate, W), (HaRecoveryCanColocate, W)),
        ["negative rule disabled"] = new(world => Rule(world)["disable"] = 1,
            (AntiAffinityRuleDisabled, E), (HaRecoveryCanColocate, W), (HaRecoveryCanColocate, W)),
        ["negative rule over other VMs only"] = new(world => Rule(world)["resources"] = "vm:101,vm:100",
            (AntiAffinityRuleMissing, E), (HaRecoveryCanColocate, W), (HaRecoveryCanColocate, W)),
        ["positive rule over the pair"] = new(world => world.Array("/cluster/ha/rules").Add(PveWorld.Edited(Rule(world), ("rule", "together"), ("affinity", "positive"))),
            (AffinityRuleKeepsTogether, E), (HaRecoveryCanColocate, W), (HaRecoveryCanColocate, W)),
        ["PVE 8 group of both nodes, not restricted"] = new(Pve8(("test-group", "node1,node2", 0), ("test-group", "node1,node2", 0)),
            (HaGroupsDoNotSeparate, E), (HaRecoveryCanColocate, W), (HaRecoveryCanColocate, W)),
        ["PVE 8 restricted groups on one node"] = new(Pve8(("fw1-only", "node1", 1), ("fw2-only", "node1", 1)),
            (HaGroupsDoNotSeparate, E), (HaRecoveryCanColocate, W), (HaRecoveryCanColocate, W)),
        ["PVE 8 restricted groups, one node each"] = new(Pve8(("fw1-only", "node1", 1), ("fw2-only", "node2", 1))),
        ["PVE 8 VMs not in HA"] = new(world => { Pve8()(world); NotInHa(world); },
            (PlacementByConfiguration, I)),
        ["PVE 8 only fw2 in HA"] = new(world => { Pve8()(world); world.Array("/cluster/ha/resources").RemoveAt(0); },
            (HaManagesOneFirewall, E)),
        ["two-vote cluster"] = new(world => { Remove(world.Array("/cluster/status"), "name", "node3"); Remove(world.Array("/cluster/status"), "name", "node4"); },
            (TwoVoteCluster, W)),
        ["PCI passthrough"] = new(world => world.Config(PveWorld.Fw1)["hostpci0"] = "mapping=someNic",
            (VmTiedToNode, I)),
        ["local disk"] = new(world => world.Config(PveWorld.Fw2)["scsi0"] = "local-lvm:vm-102-disk-0,iothread=1,size=32G",
            (VmTiedToNode, I)),
        ["local CD-ROM image only"] = new(world => world.Config(PveWorld.Fw2)["ide2"] = "local:iso/pfSense-CE-2.7.2.iso,media=cdrom"),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Yields_exactly_the_rule_findings(string name)
    {
        var world = PveWorld.Clean();
        Cases[name].Break(world);

        var findings = AntiAffinityCheck.Evaluate(await Read(world));

        Assert.Equal(Sorted(Cases[name].Expected), Sorted(findings.Select(finding => (finding.Code, finding.Severity))));
        Assert.All(findings, finding => Assert.False(string.IsNullOrWhiteSpace(finding.Remediation)));
    }

    [Fact]
    public async Task Same_node_names_the_node_and_the_migration_to_do_by_hand()
    {
        var world = PveWorld.Clean();
        world.MoveVm(PveWorld.Fw2, "node1");

        var finding = Assert.Single(AntiAffinityCheck.Evaluate(await Read(world)));

        Assert.Equal("node1", finding.Target);
        Assert.Equal("Migrate fw2 back to its node: qm migrate 102 node2 --online (HaEdge never migrates a VM on its own).", finding.Remediation);
    }

    [Fact]
    public async Task Piped_vms_are_used_as_given()
    {
        var world = PveWorld.Clean();
        var piped = new HaEdgeVm
        {
            Firewall = "fw2", VmId = PveWorld.Fw2, Node = "node2", ExpectedNode = "node2", Status = "running",
            PciDevices = new[] { new PciPassthrough { Index = 0, Mapping = "wanNic" } },
        };

        var facts = await CheckReader.ReadAntiAffinityAsync(world.Client(), world.Edge, new[] { piped }, CancellationToken.None);

        Assert.Same(piped, facts.Secondary);
        Assert.Equal("fw1", facts.Primary.Firewall);
        var finding = Assert.Single(AntiAffinityCheck.Evaluate(facts));
        Assert.Equal((VmTiedToNode, "fw2"), (finding.Code, finding.Target));
        Assert.Contains("PCI passthrough hostpci0", finding.Message);
    }

    [Fact]
    public async Task Repair_creates_the_negative_rule_when_none()
    {
        var world = PveWorld.Clean();
        world.Array("/cluster/ha/rules").Clear();

        var repair = AntiAffinityRepair.Plan(await Read(world));

        Assert.NotNull(repair);
        Assert.True(repair.Create);
        Assert.NotNull(repair.Rule);
        Assert.Equal("haedge-101-102-apart", repair.Rule.Rule);
        Assert.Equal(HaRuleType.ResourceAffinity, repair.Rule.Type);
        Assert.Equal(HaAffinity.Negative, repair.Rule.Affinity);
        Assert.Equal(new[] { "vm:101", "vm:102" }, repair.Rule.Resources);
        Assert.True(repair.Rule.Enabled);
    }

    [Fact]
    public async Task Repair_enables_the_disabled_rule_and_keeps_its_digest()
    {
        var world = PveWorld.Clean();
        Rule(world)["disable"] = 1;
        Rule(world)["digest"] = "0c2e1d4b";

        var repair = AntiAffinityRepair.Plan(await Read(world));

        Assert.NotNull(repair);
        Assert.False(repair.Create);
        Assert.NotNull(repair.Rule);
        Assert.Equal("fw-apart", repair.Rule.Rule);
        Assert.False(repair.Rule.Disabled);
        Assert.Equal("0c2e1d4b", repair.Rule.Digest);
    }

    [Fact]
    public async Task Repair_has_nothing_to_do_on_a_clean_pair() =>
        Assert.Null(AntiAffinityRepair.Plan(await Read(PveWorld.Clean())));

    [Fact]
    public async Task Repair_writes_nothing_for_VMs_outside_HA_which_PVE_would_refuse_in_a_rule()
    {
        var world = PveWorld.Clean();
        NotInHa(world);

        Assert.Null(AntiAffinityRepair.Plan(await Read(world)));
    }

    [Fact]
    public async Task Repair_on_PVE_8_pins_each_VM_with_a_restricted_group_of_its_node()
    {
        var world = PveWorld.Clean();
        Pve8()(world);

        var repair = AntiAffinityRepair.Plan(await Read(world));

        Assert.NotNull(repair);
        Assert.Null(repair.Rule);
        Assert.Equal(new[] { "haedge-101-node1:node1:True", "haedge-102-node2:node2:True" },
            repair.Groups.Select(group => $"{group.Group}:{HaNodePriority.FormatList(group.Nodes)}:{group.Restricted}"));
        Assert.Equal(new[] { "vm:101=haedge-101-node1", "vm:102=haedge-102-node2" }, repair.Bindings.Select(binding => $"{binding.Key}={binding.Value}"));
        Assert.Equal("ha-manager groupadd haedge-101-node1 --nodes node1 --restricted 1; ha-manager groupadd haedge-102-node2 --nodes node2 --restricted 1; "
            + "ha-manager set vm:101 --group haedge-101-node1; ha-manager set vm:102 --group haedge-102-node2", repair.Commands);
    }

    [Fact]
    public async Task Repair_on_PVE_8_binds_only_the_VM_not_yet_pinned()
    {
        var world = PveWorld.Clean();
        Pve8(("fw1-only", "node1", 1))(world);

        var repair = AntiAffinityRepair.Plan(await Read(world));

        Assert.NotNull(repair);
        Assert.Equal("haedge-102-node2", Assert.Single(repair.Groups).Group);
        Assert.Equal("vm:102", Assert.Single(repair.Bindings).Key);
    }

    [Theory]
    [InlineData("same node", "AntiAffinityRepairWouldMigrate")]
    [InlineData("positive rule", "AntiAffinityRepairConflict")]
    [InlineData("only fw1 in HA", "AntiAffinityRepairNeedsBothInHa")]
    [InlineData("PVE 8 only fw2 in HA", "AntiAffinityRepairNeedsBothInHa")]
    [InlineData("PVE 8 group of both nodes", "AntiAffinityRepairConflict")]
    [InlineData("PVE 8 same node", "AntiAffinityRepairWouldMigrate")]
    public async Task Repair_refuses_what_it_cannot_do_safely(string situation, string errorId)
    {
        var world = PveWorld.Clean();
        world.Array("/cluster/ha/rules").Clear();
        switch (situation)
        {
            case "same node": world.MoveVm(PveWorld.Fw2, "node1"); break;
            case "positive rule": world.Array("/cluster/ha/rules").Add(new JsonObject { ["rule"] = "together", ["type"] = "resource-affinity", ["resources"] = "vm:101,vm:102", ["affinity"] = "positive" }); break;
            case "only fw1 in HA": world.Array("/cluster/ha/resources").RemoveAt(1); break;
            case "PVE 8 only fw2 in HA": Pve8()(world); world.Array("/cluster/ha/resources").RemoveAt(0); break;
            case "PVE 8 group of both nodes": Pve8(("test-group", "node1,node2", 0))(world); break;
            case "PVE 8 same node": Pve8()(world); world.MoveVm(PveWorld.Fw2, "node1"); break;
        }
        var facts = await Read(world);

        var error = Assert.Throws<HaEdgeException>(() => AntiAffinityRepair.Plan(facts));

        Assert.Equal(errorId, error.ErrorId);
    }

    [Fact]
    public async Task A_missing_rule_names_the_repair_and_the_command_by_hand()
    {
        var world = PveWorld.Clean();
        world.Array("/cluster/ha/rules").Clear();

        var finding = AntiAffinityCheck.Evaluate(await Read(world)).Single(f => f.Code == AntiAffinityRuleMissing);

        Assert.Equal("vm:101,vm:102", finding.Target);
        Assert.Equal("Run Assert-AntiAffinity -Repair, or by hand: ha-manager rules add resource-affinity haedge-101-102-apart --affinity negative --resources vm:101,vm:102", finding.Remediation);
    }

    [Fact]
    public async Task A_disabled_rule_is_enabled_by_deleting_disable_since_PVE_ignores_disable_0()
    {
        var world = PveWorld.Clean();
        Rule(world)["disable"] = 1;

        var finding = AntiAffinityCheck.Evaluate(await Read(world)).Single(f => f.Code == AntiAffinityRuleDisabled);

        Assert.Equal("Run Assert-AntiAffinity -Repair, or by hand: ha-manager rules set resource-affinity fw-apart --delete disable", finding.Remediation);
    }

    [Fact]
    public async Task VMs_outside_HA_are_placed_by_configuration_and_nothing_is_offered_to_repair()
    {
        var world = PveWorld.Clean();
        NotInHa(world);

        var finding = Assert.Single(AntiAffinityCheck.Evaluate(await Read(world)));

        Assert.Equal((PlacementByConfiguration, FindingSeverity.Information, "vm:101,vm:102"), (finding.Code, finding.Severity, finding.Target));
        Assert.Contains("distinct nodes (node1, node2)", finding.Message);
        Assert.DoesNotContain("ha-manager", finding.Remediation);
    }

    [Fact]
    public async Task One_VM_in_HA_says_both_ways_out_and_offers_no_rule()
    {
        var world = PveWorld.Clean();
        world.Array("/cluster/ha/rules").Clear();
        world.Array("/cluster/ha/resources").RemoveAt(1);

        var finding = Assert.Single(AntiAffinityCheck.Evaluate(await Read(world)));

        Assert.Equal("vm:101", finding.Target);
        Assert.Equal("fw1 (vm:101) is an HA resource but fw2 (VM 102) is not: if node1 fails, HA may recover fw1 onto node2, next to fw2.", finding.Message);
        Assert.Equal("Take fw1 out of HA (ha-manager remove vm:101): CARP already makes the pair redundant. Or make fw2 an HA resource too (ha-manager add vm:102 --state started) and run Assert-AntiAffinity -Repair.", finding.Remediation);
    }

    [Fact]
    public async Task Pve_8_groups_finding_offers_the_group_repair()
    {
        var world = PveWorld.Clean();
        Pve8()(world);

        var finding = AntiAffinityCheck.Evaluate(await Read(world)).Single(f => f.Code == HaGroupsDoNotSeparate);

        Assert.StartsWith("Run Assert-AntiAffinity -Repair, or by hand: ha-manager groupadd haedge-101-node1 --nodes node1 --restricted 1;", finding.Remediation);
    }

    private static Task<AntiAffinityFacts> Read(PveWorld world) =>
        CheckReader.ReadAntiAffinityAsync(world.Client(), world.Edge, Array.Empty<HaEdgeVm>(), CancellationToken.None);

    private static JsonObject Rule(PveWorld world) => world.Array("/cluster/ha/rules")[0]!.AsObject();

    private static void NotInHa(PveWorld world)
    {
        world.Array("/cluster/ha/rules").Clear();
        world.Array("/cluster/ha/resources").Clear();
    }

    /// <summary>A node-affinity rule as PVE 9 lists it, from the rules sample.</summary>
    private static JsonObject NodeRule(string id, string resources, string nodes, int strict) =>
        PveWorld.Edited(PveWorld.Data("goproxmox-SYNTHETIC-GET-cluster-ha-rules.json.txt")[0]!.AsObject(),
            ("rule", id), ("resources", resources), ("nodes", nodes), ("strict", strict));

    /// <summary>
    /// PVE 8: no rules API (pve-manager's 501); both VMs HA resources, the first ones in the given groups (name,
    /// nodes, restricted), the others in none.
    /// </summary>
    private static Action<PveWorld> Pve8(params (string Group, string Nodes, int Restricted)[] groups) => world =>
    {
        world.Fail("/cluster/ha/rules", HttpStatusCode.NotImplemented, "Method 'GET /cluster/ha/rules' not implemented");
        var resources = world.Array("/cluster/ha/resources");
        var sample = PveWorld.Data("goproxmox-SYNTHETIC-GET-cluster-ha-groups.json.txt")[0]!.AsObject();
        var answer = new JsonArray();
        for (var i = 0; i < groups.Length; i++)
        {
            resources[i]!["group"] = groups[i].Group;
            if (answer.All(group => (string)group!["group"]! != groups[i].Group))
            {
                answer.Add(PveWorld.Edited(sample, ("group", groups[i].Group), ("nodes", groups[i].Nodes), ("restricted", groups[i].Restricted)));
            }
        }
        world.Answer("/cluster/ha/groups", answer);
    };

    private static void Remove(JsonArray array, string key, JsonNode value) =>
        array.Remove(array.Single(item => item?[key]?.ToJsonString() == value.ToJsonString()));

    private static string[] Sorted(IEnumerable<(string Code, FindingSeverity Severity)> findings) =>
        findings.Select(finding => finding.Code + ":" + finding.Severity).OrderBy(text => text, StringComparer.Ordinal).ToArray();
}
