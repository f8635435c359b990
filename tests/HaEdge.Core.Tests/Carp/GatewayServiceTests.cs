using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Tests.PfSense;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Carp;

public class GatewayServiceTests
{
    // Real: a live pfSsh.php playback gatewaystatus table (addresses replaced by its author).
    private static string GatewayTable => RealFixture.Body("gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt");

    /// <summary>From source (ifconfig format): WAN_DHCP's source address on vtnet0, and this node MASTER of vhid 1.</summary>
    private const string FromSourceIfconfig =
        "vtnet0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n" +
        "\tinet 174.16.0.1 netmask 0xffffff00 broadcast 174.16.0.255\n" +
        "vtnet1: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n" +
        "\tinet 192.0.2.2 netmask 0xffffff00 broadcast 192.0.2.255\n" +
        "\tinet 192.0.2.1 netmask 0xffffff00 broadcast 192.0.2.255 vhid 1\n" +
        "\tcarp: MASTER vhid 1 advbase 1 advskew 0\n";

    private static Dictionary<string, string> Answers(string route, string ifconfig = FromSourceIfconfig) => new()
    {
        [PfSenseCommands.GatewayStatusJson] = GatewayTable,
        [PfSenseCommands.GatewayGroupsJson] = FromSource.GatewayGroupsJson,
        [PfSenseCommands.DefaultRoute + " 2>/dev/null || true"] = route,
        [PfSenseCommands.Ifconfig] = ifconfig,
    };

    [Fact]
    public async Task Every_gateway_of_both_nodes_with_groups_and_the_default_route()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", Answers(FromSource.RouteGetDefault));
        fake.Answer("fw2", Answers("", FromSourceIfconfig.Replace("MASTER", "BACKUP")));

        var (gateways, failures) = await new GatewayService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2))).ReadAsync(CancellationToken.None);

        Assert.Empty(failures);
        Assert.Equal(6, gateways.Count);
        var wan = gateways.Single(g => g.Firewall == "fw1" && g.Name == "WAN_DHCP");
        Assert.Equal(("online", "none", GatewayHealth.Online, 13.707, 4.021, 0.0), (wan.Status, wan.Substatus, wan.Health, wan.DelayMs!.Value, wan.StdDevMs!.Value, wan.LossPercent!.Value));
        Assert.Equal(("1.1.1.1", "174.16.0.1"), (wan.MonitorIp, wan.SourceIp));
        Assert.Equal(new[] { "Single:1", "WithNever:1" }, wan.Groups.Select(g => g.ToString()));
        Assert.True(wan.IsMaster);
        // fw1's default route leaves by vtnet0, where WAN_DHCP's source address is; fw2 has none.
        Assert.Equal(new[] { ("fw1", "WAN_DHCP") }, gateways.Where(g => g.DefaultRoute).Select(g => (g.Firewall, g.Name)));
        var v6 = gateways.Single(g => g.Firewall == "fw2" && g.Name == "WAN_DHCP6");
        Assert.Equal(("down", "highloss", GatewayHealth.Down, 100.0, false), (v6.Status, v6.Substatus, v6.Health, v6.LossPercent!.Value, v6.IsMaster));
        Assert.True(gateways.Single(g => g.Firewall == "fw1" && g.Name == "LAN_DHCP").MonitorDisabled);
    }

    [Fact]
    public async Task An_unreadable_node_is_a_failure_and_the_other_still_answers()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", Answers(FromSource.RouteGetDefault));
        fake.Answer("fw2", new Dictionary<string, string>(Answers("")) { [PfSenseCommands.GatewayStatusJson] = "{ truncated" });

        var (gateways, failures) = await new GatewayService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2))).ReadAsync(CancellationToken.None);

        Assert.All(gateways, g => Assert.Equal("fw1", g.Firewall));
        var failure = Assert.Single(failures);
        Assert.Equal(("PfSenseOutputUnparsable", "fw2"), (failure.ErrorId, failure.Target));
        Assert.Contains("gateway status", failure.Message, StringComparison.Ordinal);
    }
}
