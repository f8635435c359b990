using HaEdge.Core.Gateways;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

public class GatewayParserTests
{
    [Fact]
    public void Real_GerrrtTable_ThreeGatewaysIncludingUnmonitoredAndLinkLocal()
    {
        var gateways = GatewayStatusParser.Parse(RealFixture.Body("gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt"));

        Assert.Equal(3, gateways.Count);
        Assert.Equal(new GatewayStatus
        {
            Name = "WAN_DHCP6", MonitorIp = "fe80::1%em0", SourceIp = "fe80::2%em0", DelayMs = 0, StdDevMs = 0, LossPercent = 100,
            Status = "down", Substatus = "highloss", Health = GatewayHealth.Down,
        }, gateways[0]);
        Assert.Equal(new GatewayStatus
        {
            Name = "WAN_DHCP", MonitorIp = "1.1.1.1", SourceIp = "174.16.0.1", DelayMs = 13.707, StdDevMs = 4.021, LossPercent = 0,
            Status = "online", Substatus = "none", Health = GatewayHealth.Online,
        }, gateways[1]);
        Assert.Equal(new GatewayStatus
        {
            Name = "LAN_DHCP", MonitorIp = "none", Status = "online", Substatus = "none", Health = GatewayHealth.Online, MonitorDisabled = true,
        }, gateways[2]);
    }

    [Fact]
    public void FromSource_Table24_NoSubstatusColumn()
    {
        var gateways = GatewayStatusParser.ReadTable(FromSource.GatewayTablePfSense24).Value;

        Assert.Equal(("WAN_DHCP", "none", (string?)null, GatewayHealth.Online, (double?)1.234), (gateways[0].Name, gateways[0].Status, gateways[0].Substatus, gateways[0].Health, gateways[0].DelayMs));
        Assert.Equal(("OPT1_GW", "loss", GatewayHealth.Warning, (double?)12), (gateways[1].Name, gateways[1].Status, gateways[1].Health, gateways[1].LossPercent));
    }

    [Fact]
    public void FromSource_BriefTable_NameAndStatusOnly()
    {
        var gateways = GatewayStatusParser.Parse(FromSource.GatewayTableBrief);

        Assert.Equal(new[] { ("WAN_DHCP6", "down", GatewayHealth.Down), ("WAN_DHCP", "online", GatewayHealth.Online) },
            gateways.Select(g => (g.Name, g.Status, g.Health)));
        Assert.All(gateways, g => Assert.False(g.MonitorDisabled));
    }

    [Fact]
    public void FromSource_JsonCurrent_StatusSubstatusAndUnmonitored()
    {
        var gateways = GatewayStatusParser.Parse(FromSource.GatewayJsonCurrent).ToDictionary(g => g.Name);

        Assert.Equal(new GatewayStatus
        {
            Name = "WAN_DHCP", MonitorIp = "1.1.1.1", SourceIp = "192.0.2.10", DelayMs = 13.707, StdDevMs = 4.021, LossPercent = 0,
            Status = "online", Substatus = "none", Health = GatewayHealth.Online,
        }, gateways["WAN_DHCP"]);
        Assert.Equal((GatewayHealth.Down, (double?)100, "highloss"), (gateways["WAN2_DHCP"].Health, gateways["WAN2_DHCP"].LossPercent, gateways["WAN2_DHCP"].Substatus));
        Assert.Equal((GatewayHealth.Warning, (double?)250.5), (gateways["WAN3_DHCP"].Health, gateways["WAN3_DHCP"].DelayMs));
        Assert.Equal(new GatewayStatus
        {
            Name = "LAN_DHCP", MonitorIp = "none", Status = "online", Substatus = "none", Health = GatewayHealth.Online, MonitorDisabled = true,
        }, gateways["LAN_DHCP"]);
    }

    [Fact]
    public void FromSource_JsonPfSense23_NoSubstatusAlarmInStatus()
    {
        var gateways = GatewayStatusParser.ReadJson(FromSource.GatewayJsonPfSense23).Value;

        Assert.Equal(new[] { ("WAN_DHCP", GatewayHealth.Online), ("OPT1_GW", GatewayHealth.Warning), ("LAN_GW", GatewayHealth.Online) },
            gateways.Select(g => (g.Name, g.Health)));
        Assert.All(gateways, g => Assert.Null(g.Substatus));
        Assert.Equal((12.0, 20.3), (gateways[1].LossPercent, gateways[1].StdDevMs));
        Assert.True(gateways[2].MonitorDisabled);
        Assert.Null(gateways[2].DelayMs);
    }

    [Fact]
    public void EmptyPhpArray_IsNoGateways()
    {
        Assert.Empty(GatewayStatusParser.Parse("[]"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Error: Invalid playback file specified.", "not the 'Name ... Status' table header")]
    // A row or entry it cannot read is skipped; when none is left, the error names it.
    [InlineData("Name  Monitor  Source  Delay  StdDev  Loss  Status  Substatus\nWAN_DHCP  1.1.1.1  192.0.2.1  13.707ms  4.021ms  0.0%", "not a status")]
    [InlineData("Name  Monitor  Source  Delay  StdDev  Loss  Status  Substatus\nWAN_DHCP  1.1.1.1  192.0.2.1  1ms  2ms  3ms  4  online  none", "does not fit")]
    [InlineData("{\"WAN\":{\"status\":\"online\",\"delay\":\"fast\"}}", "delay 'fast'")]
    [InlineData("{\"WAN\":{\"delay\":\"1ms\"}}", "has no status")]
    [InlineData("{\"WAN\":{\"status\":\"onl", "not valid JSON")]
    [InlineData("{\"WAN\":[1,2]}", "not a JSON object")]
    [InlineData("[", "not valid JSON")]
    public void Unreadable_ThrowsNamingTheKind(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => GatewayStatusParser.Parse(text));

        Assert.Contains("gateway status", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSource_Groups_ListOrSingleStringItemsAndNeverTier()
    {
        var groups = GatewayGroupParser.Parse(FromSource.GatewayGroupsJson);

        Assert.Equal(new[] { "GWGroup", "Single", "WithNever" }, groups.Select(g => g.Name));
        Assert.Equal(("down", "Failover group"), (groups[0].Trigger, groups[0].Description));
        Assert.Equal(new[] { ("OPT3_VTIV4", 1, "address", false), ("GW_LAN", 2, "address", false) },
            groups[0].Members.Select(m => (m.Gateway, m.Tier, m.VirtualIp!, m.Never)));
        Assert.Equal(("WAN_DHCP", 1, "_vip5f1a2b3c4d5e6"), (groups[1].Members.Single().Gateway, groups[1].Members.Single().Tier, groups[1].Members.Single().VirtualIp!));
        Assert.True(groups[2].Members[1].Never);
        Assert.Null(groups[2].Description);
    }

    [Fact]
    public void FromSource_Groups_SingleGroupObjectAndKeyedObject()
    {
        Assert.Equal("A", GatewayGroupParser.Parse("{\"name\":\"A\",\"item\":\"GW|1|\"}").Single().Name);
        Assert.Null(GatewayGroupParser.Parse("{\"name\":\"A\",\"item\":\"GW|1|\"}").Single().Members.Single().VirtualIp);
        Assert.Equal(new[] { "A", "B" }, GatewayGroupParser.Parse("{\"0\":{\"name\":\"A\"},\"3\":{\"name\":\"B\"}}").Select(g => g.Name));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("[{\"item\":\"GW|1|address\"}]", "has no name")]
    [InlineData("\"text\"", "not a list of gateway groups")]
    public void Groups_Unreadable_ThrowsNamingTheKind(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => GatewayGroupParser.Parse(text));

        Assert.Contains("gateway groups", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PHP_notice_and_a_banner_around_the_JSON_and_an_unreadable_gateway_are_skipped_and_reported()
    {
        // From source (gwlb.inc return_gateways_status JSON) with what a real exec may put around it.
        var text = ">>> Launching rc.local in background...\nPHP Notice:  Undefined index: foo in /etc/inc/gwlb.inc on line 1\n"
            + "{\"GOOD\":{\"status\":\"online\",\"substatus\":\"none\",\"delay\":\"1ms\"},\"BAD\":{\"delay\":\"1ms\"}}\n";

        var parsed = GatewayStatusParser.Read(text);

        Assert.Equal("GOOD", Assert.Single(parsed.Value).Name);
        Assert.Equal(new[] { (1, "not part of the JSON"), (2, "not part of the JSON"), (3, "gateway 'BAD' has no status") },
            parsed.Skipped.Select(s => (s.Number, s.Reason)));
        Assert.Equal("\"BAD\": {\"delay\":\"1ms\"}", parsed.Skipped[2].Text);
    }

    [Fact]
    public void Real_table_under_a_pasted_prompt_with_a_row_cut_short_keeps_the_other_rows()
    {
        var lines = RealFixture.Body("gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt").Split('\n').ToList();
        lines.Insert(0, "[2.7.2-RELEASE][admin@fw1.home.arpa]/root: pfSsh.php playback gatewaystatus");
        lines[2] = lines[2].Substring(0, 30);

        var parsed = GatewayStatusParser.Read(string.Join("\n", lines));

        Assert.Equal(new[] { "WAN_DHCP", "LAN_DHCP" }, parsed.Value.Select(g => g.Name));
        Assert.Equal(new[] { 1, 3 }, parsed.Skipped.Select(s => s.Number));
    }

    [Theory]
    [InlineData("[{\"name\":\"G\",\"item\":[\"GW\",\"OK|1|\"]}]", "is not 'GATEWAY|tier|vip'")]
    [InlineData("[{\"name\":\"G\",\"item\":[\"GW|9|address\",\"OK|1|\"]}]", "tier '9'")]
    public void Groups_a_member_it_cannot_read_is_skipped_and_reported(string text, string reason)
    {
        var parsed = GatewayGroupParser.Read(text);

        Assert.Equal("OK", Assert.Single(Assert.Single(parsed.Value).Members).Gateway);
        Assert.Contains(reason, Assert.Single(parsed.Skipped).Reason, StringComparison.Ordinal);
    }
}
