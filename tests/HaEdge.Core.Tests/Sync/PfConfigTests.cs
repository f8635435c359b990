using HaEdge.Core.ConfigSync;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

public class PfConfigTests
{
    [Theory]
    [InlineData(SyncFixtures.Default180, "18.0")]
    [InlineData(SyncFixtures.Default232, "23.2")]
    [InlineData(SyncFixtures.Gateways189, "18.9")]
    [InlineData(SyncFixtures.CarpVips222, "22.2")]
    public void Version_is_read(string file, string version)
    {
        Assert.Equal(version, SyncFixtures.Config(file).Version);
    }

    [Fact]
    public void Default_config_has_no_ha_parts_and_exposes_its_sections()
    {
        var config = SyncFixtures.Config(SyncFixtures.Default232);

        Assert.Null(config.HaSync);
        Assert.Empty(config.VirtualIps);
        Assert.Empty(config.Gateways);
        Assert.Contains("filter", config.SectionNames);

        // filter/rule is a pfSense list tag: a list even in a generic section tree, keyed by tracker.
        var rules = ConfigTree.Items(config.Section("filter/rule"));
        Assert.Equal(new[] { "0100000101", "0100000102" }, rules.Select(r => ConfigTree.Text(r, "tracker")));
        Assert.Equal("admin", ConfigTree.Text(ConfigTree.Items(config.Section("system/user"))[0], "name"));
        Assert.Equal(new[] { "filter" }, config.Sections(new[] { "filter", "nosuchsection" }).Keys);
    }

    [Fact]
    public void Master_hasync_has_target_and_ticked_sections_but_no_password()
    {
        var hasync = SyncFixtures.Config(SyncFixtures.OpnsenseMaster).HaSync!;

        Assert.True(hasync.PfsyncEnabled);
        Assert.Equal("opt1", hasync.PfsyncInterface);
        Assert.Equal("10.0.0.2", hasync.PfsyncPeerIp);
        Assert.Null(hasync.PfHostId);
        Assert.Equal("10.0.0.2", hasync.SynchronizeToIp);
        Assert.Equal("root", hasync.Username);
        Assert.True(hasync.PasswordSet);
        Assert.Equal(new[] { "synchronizerules", "synchronizenat", "synchronizedhcpd", "synchronizestaticroutes", "synchronizevirtualip" },
            hasync.TickedBoxes);
        Assert.Equal(new[] { "filter", "schedules", "nat", "dhcpd", "kea", "staticroutes", "gateways", "virtualip" }, hasync.Sections);
        Assert.DoesNotContain("opnsense", hasync.ToString());
        Assert.Null(typeof(HaEdge.Core.ConfigSync.HaSyncSettings).GetProperty("Password"));
    }

    [Fact]
    public void Backup_hasync_has_empty_target_user_and_password()
    {
        var hasync = SyncFixtures.Config(SyncFixtures.OpnsenseBackup).HaSync!;

        Assert.True(hasync.PfsyncEnabled);
        Assert.Equal("opt1", hasync.PfsyncInterface);
        Assert.Equal("10.0.0.1", hasync.PfsyncPeerIp);
        Assert.Null(hasync.SynchronizeToIp);
        Assert.Null(hasync.Username);
        Assert.False(hasync.PasswordSet);
        Assert.Empty(hasync.TickedBoxes);
        Assert.Empty(hasync.Sections);
    }

    [Theory]
    [InlineData(SyncFixtures.OpnsenseMaster, 0)]
    [InlineData(SyncFixtures.OpnsenseBackup, 100)]
    public void Opnsense_carp_vips_have_the_node_advskew(string file, int advskew)
    {
        var vips = SyncFixtures.Config(file).VirtualIps;

        Assert.Equal(2, vips.Count);
        Assert.All(vips, v => Assert.True(v.IsCarp));
        Assert.All(vips, v => Assert.Equal(advskew, v.AdvSkew));
        Assert.All(vips, v => Assert.Equal(1, v.AdvBase));
        Assert.Equal(new int?[] { 1, 3 }, vips.Select(v => v.Vhid));
        Assert.Equal(new[] { "wan", "lan" }, vips.Select(v => v.Interface));
        Assert.Equal(new[] { "172.18.0.100", "192.168.1.1" }, vips.Select(v => v.Subnet));
        Assert.All(vips, v => Assert.Equal(24, v.SubnetBits));
        Assert.Equal(new[] { "VIP WANx", "VIP LAN" }, vips.Select(v => v.Description));
    }

    [Fact]
    public void Pfsense_carp_vip_has_vhid_uniqid_and_cdata_description()
    {
        var vips = SyncFixtures.Config(SyncFixtures.CarpVips222).VirtualIps;

        Assert.Equal(new[] { "ipalias", "ipalias", "carp" }, vips.Select(v => v.Mode));
        var carp = Assert.Single(vips, v => v.IsCarp);
        Assert.Equal(90, carp.Vhid);
        Assert.Equal(100, carp.AdvSkew);
        Assert.Equal(1, carp.AdvBase);
        Assert.Equal("602874de0ff00", carp.UniqId);
        Assert.Equal("WAN CARP", carp.Description);
        Assert.Equal("151.25.19.11", carp.Subnet);
        Assert.Equal(29, carp.SubnetBits);
        Assert.Equal("single", carp.Type);
        Assert.Null(vips[0].Vhid);
    }

    [Fact]
    public void Non_carp_vips_are_read_without_carp_fields()
    {
        var vips = SyncFixtures.Config(SyncFixtures.NonCarpVips189).VirtualIps;

        Assert.Equal(new[] { "other", "ipalias" }, vips.Select(v => v.Mode));
        Assert.Equal(new[] { "5c0a4b6139b05", "5c0a4bd391375" }, vips.Select(v => v.UniqId));
        Assert.Equal("network", vips[0].Type);
        Assert.All(vips, v => Assert.False(v.IsCarp));
        Assert.All(vips, v => Assert.Null(v.AdvSkew));
    }

    [Fact]
    public void Gateway_items_and_group_are_read()
    {
        var config = SyncFixtures.Config(SyncFixtures.Gateways189);

        Assert.Equal(new[] { "GW_WAN", "GW_DEFAULT", "GW_WAN2", "GW_LAN", "OPT3_VTIV4" }, config.Gateways.Select(g => g.Name));
        var lan = config.Gateways.Single(g => g.Name == "GW_LAN");
        Assert.Equal("lan", lan.Interface);
        Assert.Equal("192.168.1.1", lan.Gateway);
        Assert.Equal("8.8.8.8", lan.Monitor);
        Assert.True(lan.MonitorDisabled);
        Assert.True(lan.Disabled);
        var vti = config.Gateways.Single(g => g.Name == "OPT3_VTIV4");
        Assert.Equal("dynamic", vti.Gateway);
        Assert.Null(vti.Monitor);
        Assert.False(vti.Disabled);
        Assert.Equal("Interface VTI_TEST Gateway", vti.Description);
        Assert.Equal("GW_DEFAULT", config.DefaultGatewayV4);

        var group = Assert.Single(config.GatewayGroups);
        Assert.Equal("GWGroup", group.Name);
        Assert.Equal("down", group.Trigger);
        Assert.Equal("Failover group", group.Description);
        Assert.Equal(new[] { "OPT3_VTIV4", "GW_LAN" }, group.Members.Select(m => m.Gateway));
        Assert.Equal(new int?[] { 1, 2 }, group.Members.Select(m => m.Tier));
        Assert.All(group.Members, m => Assert.Equal("address", m.VirtualIp));
    }

    [Fact]
    public void Opnsense_gateway_item_is_read()
    {
        var gateway = Assert.Single(SyncFixtures.Config(SyncFixtures.OpnsenseMaster).Gateways);

        Assert.Equal("WANGW", gateway.Name);
        Assert.Equal("wan", gateway.Interface);
        Assert.Equal("172.18.0.250", gateway.Gateway);
        Assert.True(gateway.MonitorDisabled);
        Assert.Equal("inet", gateway.IpProtocol);
    }

    [Fact]
    public void Malformed_config_is_invalid_data()
    {
        var e = Assert.Throws<HaEdgeException>(() => PfConfig.Parse("<pfsense><version>", "fw1"));
        Assert.Equal("PfConfigInvalidXml", e.ErrorId);
        Assert.Equal(FailureKind.InvalidData, e.Kind);
        Assert.Equal("fw1", e.Target);
    }
}
