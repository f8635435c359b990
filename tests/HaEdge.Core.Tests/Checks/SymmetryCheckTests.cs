using HaEdge.Core.Checks;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;
using Xunit;
using static HaEdge.Core.Checks.SymmetryCheck;

namespace HaEdge.Core.Tests.Checks;

/// <summary>One case per Test-HaEdgeSymmetry rule: break one thing in a clean PVE world, read it back, expect exactly these findings.</summary>
public class SymmetryCheckTests
{
    private const FindingSeverity E = FindingSeverity.Error;
    private const FindingSeverity W = FindingSeverity.Warning;
    private const FindingSeverity I = FindingSeverity.Information;
    private const int Fw1 = PveWorld.Fw1;
    private const int Fw2 = PveWorld.Fw2;

    private sealed record Case(Action<PveWorld> Break, string[]? Ipv6CarpSegments, params (string Code, FindingSeverity Severity, string Target)[] Expected)
    {
        public Case(Action<PveWorld> @break, params (string Code, FindingSeverity Severity, string Target)[] expected)
            : this(@break, null, expected)
        {
        }
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["clean edge"] = new(_ => { }),
        ["NIC firewall off, MAC filter default on"] = new(world =>
        {
            world.FirewallOptions(Fw2).Remove("macfilter");
            foreach (var net in new[] { 0, 1, 2 }) world.SetNicOption(Fw2, net, "firewall", null);
        }),
        ["VM firewall off, MAC filter default on"] = new(world => { world.FirewallOptions(Fw1).Remove("macfilter"); world.FirewallOptions(Fw1)["enable"] = 0; }),
        ["IPv6 CARP with snooping off on both nodes"] = new(world =>
        {
            world.Interface("node1", "vmbr1")["bridge-mcsnoop"] = "0";
            world.Interface("node2", "vmbr1")["bridge-mcsnoop"] = "0";
        }, new[] { "LAN" }),

        ["segment NIC missing"] = new(world => world.Config(Fw2).Remove("net4"),
            (SegmentNicMissing, E, "fw2/net4")),
        ["NIC missing shifts the interface names after it"] = new(world => world.Config(Fw2).Remove("net3"),
            (SegmentNicMissing, E, "fw2/net3"), (InterfaceOrderMismatch, E, "SYNC")),
        ["bridge on one node, passthrough on the other"] = new(world => { world.Config(Fw2).Remove("net4"); world.Config(Fw2)["hostpci0"] = "0000:01:00.0"; },
            (AttachmentMismatch, E, "SYNC")),
        ["passthrough on both"] = new(world =>
        {
            foreach (var vm in new[] { Fw1, Fw2 }) { world.Config(vm).Remove("net4"); world.Config(vm)["hostpci0"] = "mapping=syncNic"; }
        }, (SegmentPassthrough, I, "SYNC")),
        // Starlink's NIC on the fibre's bridge: both WANs then share that bridge's port too.
        ["NIC on another bridge than defined"] = new(world => world.SetNicOption(Fw2, 3, "bridge", "vmbr0"),
            (NicBridgeMismatch, E, "fw2/net3"), (WanSharesPort, E, "node2/eno1")),
        ["bridge missing on one node"] = new(world => world.Array("/nodes/node2/network").Remove(world.Interface("node2", "vmbr9")),
            (BridgeMissing, E, "node2/vmbr9")),
        ["WAN bridge without uplink on one node"] = new(world => world.Interface("node2", "vmbr0").Remove("bridge_ports"),
            (BridgeNoUplink, E, "node2/vmbr0")),
        ["sync bridge with bridge-ports none"] = new(world => world.Interface("node1", "vmbr9")["bridge_ports"] = "none",
            (BridgeNoUplink, E, "node1/vmbr9")),
        ["VLAN tag differs (lab fault vlan-asymmetry)"] = new(world => world.SetNicOption(Fw2, 2, "tag", "21"),
            (VlanAsymmetric, E, "VLAN20")),
        ["tagged on one node, untagged on the other"] = new(world => world.SetNicOption(Fw1, 2, "tag", null),
            (VlanAsymmetric, E, "VLAN20")),
        ["both tagged, not as defined"] = new(world => { world.SetNicOption(Fw1, 2, "tag", "30"); world.SetNicOption(Fw2, 2, "tag", "30"); },
            (VlanTagNotAsDefined, W, "VLAN20")),
        ["VLAN not in bridge-vids on one node"] = new(world => world.Interface("node2", "vmbr1")["bridge_vids"] = "2-19 21-4094",
            (VlanNotOnBridge, E, "node2/vmbr1")),
        ["trunk into pfSense without the VLAN"] = new(world =>
        {
            foreach (var vm in new[] { Fw1, Fw2 }) { world.SetNicOption(vm, 2, "tag", null); world.SetNicOption(vm, 2, "trunks", "30;40-50"); }
        }, (VlanNotTrunked, E, "fw1/net2"), (VlanNotTrunked, E, "fw2/net2")),
        ["VLAN-aware on one node, traditional on the other"] = new(world => world.Interface("node2", "vmbr1").Remove("bridge_vlan_aware"),
            (BridgeVlanModeMismatch, W, "VLAN20")),
        ["NIC model differs"] = new(world => world.Config(Fw2)["net4"] = "e1000=BC:24:11:66:00:04,bridge=vmbr9,firewall=1",
            (NicModelMismatch, E, "SYNC")),
        ["MTU differs"] = new(world => world.SetNicOption(Fw2, 4, "mtu", "9000"),
            (MtuMismatch, W, "SYNC")),
        ["bridge MTU differs"] = new(world => world.Interface("node1", "vmbr9")["mtu"] = "9000",
            (MtuMismatch, W, "SYNC")),
        ["MAC filter on (PVE default) with firewall on (lab fault mac-filter)"] = new(world => world.FirewallOptions(Fw2)["macfilter"] = 1,
            (MacFilterOnCarp, E, "fw2/net0"), (MacFilterOnCarp, E, "fw2/net1"), (MacFilterOnCarp, E, "fw2/net2")),
        ["MAC learning disabled on the CARP bridge"] = new(world => world.Interface("node2", "vmbr1")["bridge-disable-mac-learning"] = 1,
            (BridgeMacLearningDisabled, E, "node2/vmbr1")),
        ["MAC learning disabled on a bridge without CARP"] = new(world => world.Interface("node2", "vmbr9")["bridge-disable-mac-learning"] = 1),
        ["IPv6 CARP with multicast snooping on"] = new(_ => { }, new[] { "LAN" },
            (MulticastSnoopingIpv6Carp, W, "node1/vmbr1"), (MulticastSnoopingIpv6Carp, W, "node2/vmbr1")),
        ["CARP on a single-lease WAN"] = new(world => world.WithSegments(new SegmentDefinition("WAN-Starlink", SegmentKind.Wan, 3, "vmbr2", null, true, "dhcp")),
            (SingleLeaseWanCarp, I, "WAN-Starlink")),
        ["both WANs on one port of one node"] = new(world => world.Interface("node2", "vmbr2")["bridge_ports"] = "eno1",
            (WanSharesPort, E, "node2/eno1")),
        ["both WANs on one port, each on its own VLAN"] = new(world =>
        {
            world.Interface("node2", "vmbr0")["bridge_ports"] = "eno1.100";
            world.Interface("node2", "vmbr2")["bridge_ports"] = "eno1.200";
        }),
        ["a WAN sharing a bond's port with the other WAN"] = new(world =>
        {
            world.Array("/nodes/node1/network").Add(new System.Text.Json.Nodes.JsonObject
            {
                ["iface"] = "bond0", ["type"] = "bond", ["slaves"] = "eno1 eno3", ["bond_mode"] = "active-backup", ["active"] = 1,
            });
            world.Interface("node1", "vmbr2")["bridge_ports"] = "bond0";
        }, (WanSharesPort, E, "node1/eno1")),
        ["sync on a WAN's port"] = new(world => world.Interface("node1", "vmbr9")["bridge_ports"] = "eno3",
            (SyncSharesWanPort, E, "node1/eno3")),
        ["sync on a VLAN of a WAN's port"] = new(world => world.Interface("node1", "vmbr9")["bridge_ports"] = "eno1.99",
            (SyncSharesWanPort, E, "node1/eno1")),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Yields_exactly_the_rule_findings(string name)
    {
        var world = PveWorld.Clean();
        Cases[name].Break(world);

        var findings = SymmetryCheck.Evaluate(await Read(world, Cases[name].Ipv6CarpSegments));

        Assert.Equal(Sorted(Cases[name].Expected), Sorted(findings.Select(finding => (finding.Code, finding.Severity, finding.Target))));
        Assert.All(findings, finding => Assert.False(string.IsNullOrWhiteSpace(finding.Remediation)));
    }

    [Fact]
    public async Task Mac_filter_finding_gives_the_exact_fix()
    {
        var world = PveWorld.Clean();
        world.FirewallOptions(Fw2).Remove("macfilter");

        var net0 = SymmetryCheck.Evaluate(await Read(world)).Single(finding => finding.Target == "fw2/net0");

        Assert.Equal(MacFilterOnCarp, net0.Code);
        Assert.Equal("pvesh set /nodes/node2/qemu/102/firewall/options --macfilter 0   (or: qm set 102 --net0 virtio=BC:24:11:66:00:00,bridge=vmbr0,firewall=0)",
            net0.Remediation);
    }

    [Fact]
    public async Task Wan_without_uplink_says_the_wan_does_not_reach_the_node()
    {
        var world = PveWorld.Clean();
        world.Interface("node2", "vmbr0").Remove("bridge_ports");

        var finding = Assert.Single(SymmetryCheck.Evaluate(await Read(world)));

        Assert.Contains("WAN-Fibre does not reach node2", finding.Message);
    }

    [Fact]
    public async Task Only_the_chosen_segments_are_compared()
    {
        var world = PveWorld.Clean();
        world.SetNicOption(Fw2, 2, "tag", "21");
        var facts = await Read(world);

        Assert.Empty(SymmetryCheck.Evaluate(facts with { Segments = facts.Segments.Where(segment => segment.Name == "LAN").ToList() }));
        Assert.Single(SymmetryCheck.Evaluate(facts with { Segments = facts.Segments.Where(segment => segment.Name == "VLAN20").ToList() }));
    }

    [Theory]
    [InlineData("virtio", 2, "vtnet2")]
    [InlineData("e1000", 0, "em0")]
    [InlineData("vmxnet3", 1, "vmx0")]
    public void Guest_interface_name_counts_nics_of_the_same_driver(string model, int index, string expected)
    {
        var vm = new HaEdgeVm
        {
            Nics = new[]
            {
                new NetDevice { Index = 0, Model = "virtio" },
                new NetDevice { Index = 1, Model = "virtio" },
                new NetDevice { Index = 2, Model = model },
            },
        };
        var nic = vm.Nics[2] with { Index = index };
        if (index != 2) vm = vm with { Nics = new[] { nic } };

        Assert.Equal(expected, SymmetryCheck.GuestInterfaceName(vm, nic));
    }

    private static Task<SymmetryFacts> Read(PveWorld world, string[]? ipv6CarpSegments = null) =>
        CheckReader.ReadSymmetryAsync(world.Client(), world.Edge, world.Edge.Segments, ipv6CarpSegments ?? Array.Empty<string>(), Array.Empty<HaEdgeVm>(), CancellationToken.None);

    private static string[] Sorted(IEnumerable<(string Code, FindingSeverity Severity, string Target)> findings) =>
        findings.Select(finding => $"{finding.Code}:{finding.Severity}:{finding.Target}").OrderBy(text => text, StringComparer.Ordinal).ToArray();
}
