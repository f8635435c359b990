using System.Globalization;
using HaEdge.Core.Carp;
using HaEdge.Core.Checks;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Runbooks;
using Xunit;
using static HaEdge.Core.Checks.PairInvariantCheck;
using HaEdge.Core.Tests.Carp;

namespace HaEdge.Core.Tests.Checks;

/// <summary>
/// One case per pair invariant: the VMs come from the clean PVE world (real PVE JSON, read through the client), the
/// firewalls' CARP and pfsync readings are parsed from output in FreeBSD 14's formats (ifcarp.c, ifpfsync.c, as in
/// tests/fixtures/real/*/FORMAT-from-source.md; built here, not captured) with the real fw1 carp sysctl sample. Each case
/// changes one thing and expects exactly these findings.
/// </summary>
public class PairInvariantCheckTests
{
    private const FindingSeverity E = FindingSeverity.Error;

    /// <summary>One firewall's VIP as ifconfig prints it: interface, vhid, advbase, address.</summary>
    private sealed record Vip(string Interface, int Vhid, int AdvBase, string Address);

    private sealed class Pair
    {
        public List<Vip> Fw1 { get; } = new() { new("vtnet0", 10, 1, "198.51.100.10"), new("vtnet1", 1, 1, "192.0.2.1"), new("vtnet2", 20, 1, "192.0.2.129") };

        public List<Vip> Fw2 { get; } = new() { new("vtnet0", 10, 1, "198.51.100.10"), new("vtnet1", 1, 1, "192.0.2.1"), new("vtnet2", 20, 1, "192.0.2.129") };

        /// <summary>ifconfig pfsync0's first line, as ifpfsync.c prints it.</summary>
        public string Fw1Pfsync { get; set; } = "\tsyncdev: vtnet4 syncpeer: 198.51.100.130 maxupd: 128 defer: off version: 1400\n\tsyncok: 1\n";

        public string Fw2Pfsync { get; set; } = "\tsyncdev: vtnet4 syncpeer: 198.51.100.129 maxupd: 128 defer: off version: 1400\n\tsyncok: 1\n";

        public Action<PveWorld> World { get; set; } = _ => { };
    }

    private sealed record Case(Action<Pair> Break, params (string Code, FindingSeverity Severity, string Target)[] Expected);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["clean pair"] = new(_ => { }),
        ["pfsync on the LAN on one firewall"] = new(pair => pair.Fw1Pfsync = pair.Fw1Pfsync.Replace("syncdev: vtnet4", "syncdev: vtnet1"),
            (PfsyncNotOnSyncSegment, E, "fw1")),
        ["pfsync on a WAN on both"] = new(pair =>
        {
            pair.Fw1Pfsync = pair.Fw1Pfsync.Replace("syncdev: vtnet4", "syncdev: vtnet0");
            pair.Fw2Pfsync = pair.Fw2Pfsync.Replace("syncdev: vtnet4", "syncdev: vtnet0");
        }, (PfsyncNotOnSyncSegment, E, "fw1"), (PfsyncNotOnSyncSegment, E, "fw2")),
        ["syncpeer is the peer's LAN address"] = new(pair => pair.Fw1Pfsync = pair.Fw1Pfsync.Replace("syncpeer: 198.51.100.130", "syncpeer: 192.0.2.3"),
            (PfsyncPeerNotSyncAddress, E, "fw1")),
        ["multicast pfsync (no syncpeer printed)"] = new(pair => pair.Fw1Pfsync = pair.Fw1Pfsync.Replace("syncpeer: 198.51.100.130 ", "")),
        ["a carp segment without its VIP on one firewall"] = new(pair => pair.Fw2.RemoveAll(v => v.Interface == "vtnet2"),
            (CarpVipMissing, E, "fw2/VLAN20")),
        ["a carp segment without a VIP on either"] = new(pair => { pair.Fw1.RemoveAll(v => v.Interface == "vtnet0"); pair.Fw2.RemoveAll(v => v.Interface == "vtnet0"); },
            (CarpVipMissing, E, "fw1/WAN-Fibre"), (CarpVipMissing, E, "fw2/WAN-Fibre")),
        ["a different vhid on each firewall"] = new(pair => pair.Fw2[1] = pair.Fw2[1] with { Vhid = 2 },
            (CarpVhidMismatch, E, "LAN")),
        ["a different advbase on each firewall"] = new(pair => pair.Fw2[0] = pair.Fw2[0] with { AdvBase = 2 },
            (CarpAdvbaseMismatch, E, "WAN-Fibre vhid 10")),
        ["one vhid on two segments of different VLANs"] = new(pair =>
        {
            pair.Fw1[2] = pair.Fw1[2] with { Vhid = 1 };
            pair.Fw2[2] = pair.Fw2[2] with { Vhid = 1 };
        }),
        ["one vhid on two segments of one untagged bridge"] = new(pair =>
        {
            pair.Fw1[2] = pair.Fw1[2] with { Vhid = 1 };
            pair.Fw2[2] = pair.Fw2[2] with { Vhid = 1 };
            // "VLAN20" then is a second untagged segment on the LAN's bridge: one broadcast domain with the LAN.
            pair.World = world =>
            {
                world.SetNicOption(PveWorld.Fw1, 2, "tag", null);
                world.SetNicOption(PveWorld.Fw2, 2, "tag", null);
                world.WithSegments(world.Edge.Segments.Select(s => s.Name == "VLAN20" ? new SegmentDefinition(s.Name, s.Kind, s.Net, s.Bridge, null, s.Carp, s.Addressing) : s).ToArray());
            };
        }, (CarpVhidReused, E, "vhid 1")),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Yields_exactly_the_rule_findings(string name)
    {
        var pair = new Pair();
        Cases[name].Break(pair);
        var (edge, vms) = await Read(pair);

        var findings = PairInvariantCheck.SyncPath(edge, vms, new[] { Pfsync("fw1", pair.Fw1Pfsync), Pfsync("fw2", pair.Fw2Pfsync) })
            .Concat(PairInvariantCheck.CarpCoverage(edge, vms, Carp(pair))).ToList();

        Assert.Equal(Cases[name].Expected.OrderBy(e => e.Target).ThenBy(e => e.Code),
            findings.Select(f => (f.Code, f.Severity, f.Target)).OrderBy(e => e.Target).ThenBy(e => e.Code));
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Remediation)));
    }

    [Fact]
    public async Task The_sync_finding_names_the_interface_of_the_sync_segment()
    {
        var pair = new Pair { Fw1Pfsync = new Pair().Fw1Pfsync.Replace("syncdev: vtnet4", "syncdev: vtnet1") };
        var (edge, vms) = await Read(pair);

        var finding = Assert.Single(PairInvariantCheck.SyncPath(edge, vms, new[] { Pfsync("fw1", pair.Fw1Pfsync), Pfsync("fw2", pair.Fw2Pfsync) }));

        Assert.Contains("over vtnet1, not vtnet4 on SYNC", finding.Message);
        Assert.Contains("Synchronize Interface = the SYNC interface (vtnet4)", finding.Remediation);
    }

    [Fact]
    public async Task An_unreadable_firewall_is_reported_as_such_not_as_missing_every_vip()
    {
        var pair = new Pair();
        var (edge, vms) = await Read(pair);
        var report = new CarpPairReport(new[]
        {
            new CarpNodeReading("fw1", FirewallRole.Primary, IfconfigParser.Parse(string.Concat(pair.Fw1.Select(v => Ifconfig(v, "MASTER", 0)))).Vips,
                CarpSysctlParser.Parse(CarpSamples.Fw1Sysctl)),
            new CarpNodeReading("fw2", FirewallRole.Secondary, new HaEdgeException("SshUnreachable", FailureKind.ConnectionError, "fw2 is unreachable", "fw2")),
        });

        var result = ReadinessJudge.CarpVips(edge, vms, report);

        Assert.Equal(ReadinessJudge.FirewallUnreadable, Assert.Single(result.Findings).Code);
        Assert.Equal(ReadinessVerdict.Failed, result.Verdict);
    }

    [Fact]
    public async Task Test_HaEdge_judges_each_invariant_under_its_own_check()
    {
        var pair = new Pair();
        pair.Fw1Pfsync = pair.Fw1Pfsync.Replace("syncdev: vtnet4", "syncdev: vtnet1");
        pair.Fw2.RemoveAll(v => v.Interface == "vtnet2");
        var (edge, vms) = await Read(pair);

        var syncPath = ReadinessJudge.SyncPath(edge, vms, new[] { Pfsync("fw1", pair.Fw1Pfsync), Pfsync("fw2", pair.Fw2Pfsync) }, Array.Empty<HaEdgeException>());
        var carpVips = ReadinessJudge.CarpVips(edge, vms, new CarpPairReport(new[]
        {
            new CarpNodeReading("fw1", FirewallRole.Primary, IfconfigParser.Parse(string.Concat(pair.Fw1.Select(v => Ifconfig(v, "MASTER", 0)))).Vips, CarpSysctlParser.Parse(CarpSamples.Fw1Sysctl)),
            new CarpNodeReading("fw2", FirewallRole.Secondary, IfconfigParser.Parse(string.Concat(pair.Fw2.Select(v => Ifconfig(v, "BACKUP", 100)))).Vips, CarpSysctlParser.Parse(CarpSamples.Fw1Sysctl)),
        }));

        Assert.Equal((ReadinessChecks.SyncPath, ReadinessVerdict.Failed, PfsyncNotOnSyncSegment), (syncPath.Check, syncPath.Verdict, Assert.Single(syncPath.Findings).Code));
        Assert.Equal((ReadinessChecks.CarpVips, ReadinessVerdict.Failed, CarpVipMissing), (carpVips.Check, carpVips.Verdict, Assert.Single(carpVips.Findings).Code));
        Assert.Equal("1 errors, 0 warnings: CarpVipMissing.", carpVips.Summary);
    }

    private static async Task<(EdgeDefinition Edge, IReadOnlyList<HaEdgeVm> Vms)> Read(Pair pair)
    {
        var world = PveWorld.Clean();
        pair.World(world);
        // The clean world's edge, with each firewall's address on the sync segment.
        var edge = new EdgeDefinition(world.Edge.Name, world.Edge.Path, world.Edge.Proxmox,
            world.Edge.Firewalls.Select((f, i) => new FirewallDefinition(f.Name, f.Role, f.VmId, f.Node, f.Ssh, f.XmlRpc, i == 0 ? "198.51.100.129" : "198.51.100.130")).ToList(),
            world.Edge.Segments, world.Edge.Probes);
        using var client = world.Client();
        return (edge, await EdgeInventory.GetVmsAsync(client, edge, edge.Firewalls, CancellationToken.None));
    }

    private static PfsyncNodeStatus Pfsync(string firewall, string text)
    {
        var status = PfsyncParser.Parse(text);
        return new PfsyncNodeStatus { Firewall = firewall, Reachable = true, SyncDev = status.SyncDev, SyncPeer = status.SyncPeer, SyncOk = status.SyncOk };
    }

    private static IReadOnlyList<CarpVipStatus> Carp(Pair pair)
    {
        CarpNodeReading Node(string firewall, FirewallRole role, IEnumerable<Vip> vips, string state, int skew) => new(firewall, role,
            IfconfigParser.Parse(string.Concat(vips.Select(v => Ifconfig(v, state, skew)))).Vips, CarpSysctlParser.Parse(CarpSamples.Fw1Sysctl));
        return CarpPairAnalyzer.Evaluate(Node("fw1", FirewallRole.Primary, pair.Fw1, "MASTER", 0), Node("fw2", FirewallRole.Secondary, pair.Fw2, "BACKUP", 100));
    }

    /// <summary>One interface block of FreeBSD 14's ifconfig with its CARP VIP (ifcarp.c carp_status, af_inet.c).</summary>
    private static string Ifconfig(Vip vip, string state, int skew) => string.Format(CultureInfo.InvariantCulture,
        "{0}: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n" +
        "\tinet {1} netmask 0xffffff00 broadcast 192.0.2.255 vhid {2}\n" +
        "\tcarp: {3} vhid {2} advbase {4} advskew {5}\n" +
        "\t      peer 224.0.0.18 peer6 ff02::12\n", vip.Interface, vip.Address, vip.Vhid, state, vip.AdvBase, skew);
}
