using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Tests.PfSense;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Carp;

public class PfsyncServiceTests
{
    // Real: FreeBSD 13.2 with pfsync loaded but not configured; pfctl -s info from telegraf's test (2 states).
    private static string UnconfiguredPfsync => RealFixture.Body("pfsync/unixwinbsd-freebsd13.2-pfsync0-unconfigured.txt");

    private static string PfctlInfo => RealFixture.Body("pfctl-si/telegraf-pf-test-freebsd-26min.txt");

    /// <summary>From source (ifpfsync.c, FreeBSD 14): a configured pfsync0 sending to <paramref name="peer"/>.</summary>
    private static string FromSourcePfsync(string peer, int syncOk) =>
        "pfsync0: flags=41<UP,RUNNING> metric 0 mtu 1500\n" +
        $"\tsyncdev: vtnet4 syncpeer: {peer} maxupd: 128 defer: off version: 1400\n" +
        $"\tsyncok: {syncOk}\n" +
        "\tgroups: pfsync\n";

    /// <summary>A CE 2.7.2 firewall (src/etc/version), so its creator ids come from pfctl -sc.</summary>
    private static Dictionary<string, string> Answers(string pfsync, string creators = FromSource.PfctlCreators) => new()
    {
        ["cat /etc/version"] = "2.7.2-RELEASE\n",
        ["ifconfig pfsync0"] = pfsync,
        ["pfctl -si"] = PfctlInfo,
        ["pfctl -sc"] = creators,
    };

    private static async Task<(IReadOnlyList<PfsyncNodeStatus> Nodes, IReadOnlyList<HaEdgeException> Failures)> Read(FakeFirewalls fake) =>
        await new PfsyncService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2))).ReadAsync(CancellationToken.None);

    [Fact]
    public async Task Pair_syncing_to_each_other_is_in_sync()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", Answers(FromSourcePfsync("198.51.100.130", 1)));
        fake.Answer("fw2", Answers(FromSourcePfsync("198.51.100.129", 1)));

        var (nodes, failures) = await Read(fake);

        Assert.Empty(failures);
        Assert.All(nodes, n => Assert.Equal((PfsyncVerdict.InSync, true, "vtnet4", true, 2L), (n.Verdict, n.Reachable, n.SyncDev, n.SyncOk!.Value, n.StateEntries)));
        Assert.Equal(new[] { "68d01842", "0a1b2c3d" }, nodes[0].CreatorIds);
        Assert.Equal(("198.51.100.130", 1400, 128, false), (nodes[0].SyncPeer, nodes[0].Version!.Value, nodes[0].MaxUpdates!.Value, nodes[0].Defer!.Value));
        Assert.Empty(nodes[0].Reasons);
    }

    [Fact]
    public async Task Real_unconfigured_pfsync_is_not_in_sync_and_says_why()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", Answers(FromSourcePfsync("198.51.100.130", 1)));
        fake.Answer("fw2", Answers(UnconfiguredPfsync));

        var (nodes, _) = await Read(fake);

        var fw2 = nodes.Single(n => n.Firewall == "fw2");
        Assert.Equal((null, "0.0.0.0", true, 128), (fw2.SyncDev, fw2.SyncPeer, fw2.SyncOk!.Value, fw2.MaxUpdates!.Value));
        Assert.All(nodes, n => Assert.Equal(PfsyncVerdict.NotInSync, n.Verdict));
        Assert.Equal(new[] { "fw2: pfsync has no sync interface (syncdev)." }, fw2.Reasons);
    }

    [Fact]
    public async Task Bulk_update_not_done_wrong_peer_and_missing_creators_are_reasons()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", Answers(FromSourcePfsync("198.51.100.99", 1)));
        fake.Answer("fw2", Answers(FromSourcePfsync("198.51.100.129", 0), "Creator IDs:\n68d01842\n"));

        var (nodes, _) = await Read(fake);

        Assert.Equal(new[]
        {
            "fw1 sends pfsync to 198.51.100.99, but fw2's sync address is 198.51.100.130.",
            "fw2: the pfsync bulk update has not completed (syncok: 0).",
            "fw2 holds no states created by 0a1b2c3d, which fw1 has.",
        }, nodes[0].Reasons);
    }

    [Fact]
    public async Task An_unreachable_node_is_a_row_marked_unreachable_and_a_failure()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", Answers(FromSourcePfsync("198.51.100.130", 1)));
        fake.Unreachable["fw2"] = true;

        var (nodes, failures) = await Read(fake);

        Assert.Equal("fw2", Assert.Single(failures).Target);
        Assert.False(nodes.Single(n => n.Firewall == "fw2").Reachable);
        Assert.All(nodes, n => Assert.Equal(PfsyncVerdict.NotInSync, n.Verdict));
    }
}
