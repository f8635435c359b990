using HaEdge.Core.Carp;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

public class IfconfigParserTests
{
    private static IfconfigOutput Real(string file) => IfconfigParser.Parse(RealFixture.Body("ifconfig-carp/" + file));

    [Theory]
    [InlineData("bsdrp-pf-carp-lab-vm2-master.txt", CarpState.Master, 100, "58:9c:fc:02:00:02", "192.168.10.2")]
    [InlineData("bsdrp-pf-carp-lab-vm3-backup.txt", CarpState.Backup, 200, "58:9c:fc:03:00:03", "192.168.10.3")]
    public void Real_BsdrpLab_TwoInterfacesWithAnIPv4AndAnIPv6VhidEach(string file, CarpState state, int advSkew, string mac, string vtnet3Address)
    {
        var output = Real(file);

        Assert.Equal(new[] { "vtnet3", "vtnet4" }, output.Interfaces.Select(i => i.Name));
        var vtnet3 = output.Interfaces[0];
        Assert.Equal(new[] { "UP", "BROADCAST", "RUNNING", "SIMPLEX", "MULTICAST" }, vtnet3.Flags);
        Assert.Equal(1500, vtnet3.Mtu);
        Assert.Equal(mac, vtnet3.MacAddress);
        Assert.Equal("active", vtnet3.Status);
        Assert.Null(vtnet3.Vlan);
        Assert.Equal(vtnet3Address, vtnet3.Addresses[0].Address);
        Assert.Equal(30, vtnet3.Addresses[0].PrefixLength);
        Assert.Null(vtnet3.Addresses[0].Vhid);

        Assert.Equal(new[] { 1, 2, 3, 4 }, output.Carp.Select(c => c.Vhid));
        Assert.All(output.Carp, c =>
        {
            Assert.Equal(state, c.State);
            Assert.Equal(1, c.AdvBase);
            Assert.Equal(advSkew, c.AdvSkew);
            Assert.Null(c.Peer);
            Assert.Null(c.Key);
        });
        Assert.Equal(new[] { "vtnet3", "vtnet3", "vtnet4", "vtnet4" }, output.Carp.Select(c => c.Interface));

        var vips = output.Vips.ToDictionary(v => v.Vhid);
        Assert.Equal(4, vips.Count);
        AssertSingleAddress(vips[1], "vtnet3", IpVersion.IPv4, "192.168.10.254", 32);
        AssertSingleAddress(vips[2], "vtnet3", IpVersion.IPv6, "2001:db8:10::fe", 128);
        AssertSingleAddress(vips[3], "vtnet4", IpVersion.IPv4, "2.2.2.254", 32);
        AssertSingleAddress(vips[4], "vtnet4", IpVersion.IPv6, "2001:db8:2:2:2::fe", 128);
        Assert.All(vips.Values, v => Assert.Equal(state, v.State));
    }

    [Fact]
    public void Real_BsdrpLab_LinkLocalKeepsItsScopeAndPrefix()
    {
        var linkLocal = Real("bsdrp-pf-carp-lab-vm2-master.txt").Interfaces[0].Addresses.Single(a => a.Address.StartsWith("fe80", StringComparison.Ordinal));

        Assert.Equal("fe80::5a9c:fcff:fe02:2%vtnet3", linkLocal.Address);
        Assert.Equal(64, linkLocal.PrefixLength);
        Assert.Equal(IpVersion.IPv6, linkLocal.Version);
    }

    [Fact]
    public void Real_OpnSenseKvm_CarpLineAfterStatusStillBelongsToItsInterface()
    {
        var output = Real("opnsense-core-1549-vtnet0-master-kvm.txt");

        var vtnet0 = Assert.Single(output.Interfaces);
        Assert.Equal("vtnet0", vtnet0.Name);
        Assert.Contains("PROMISC", vtnet0.Flags);
        Assert.Equal("xx:xx:xx:31:70:3d", vtnet0.MacAddress);
        Assert.Equal("active", vtnet0.Status);
        Assert.Equal(3, vtnet0.Addresses.Count);
        Assert.Equal(24, vtnet0.Addresses[0].PrefixLength);

        var vip = Assert.Single(output.Vips);
        Assert.Equal(("vtnet0", 1, CarpState.Master, 1, 0), (vip.Interface, vip.Vhid, vip.State, vip.AdvBase, vip.AdvSkew));
        var address = Assert.Single(vip.Addresses);
        Assert.Equal(("10.0.0.230", 32, 1), (address.Address, address.PrefixLength, address.Vhid));
    }

    [Theory]
    [InlineData("opnsense-core-3671-fw1-grep-master.txt", CarpState.Master, 0)]
    [InlineData("opnsense-core-3671-fw2-grep-backup.txt", CarpState.Backup, 100)]
    public void Real_GrepExcerptWithTabs_KeepsCarpEntriesWithoutInterface(string file, CarpState state, int advSkew)
    {
        var output = Real(file);

        Assert.Empty(output.Interfaces);
        Assert.Equal(new[] { 3, 1 }, output.Carp.Select(c => c.Vhid));
        Assert.All(output.Carp, c => Assert.Equal((null, state, 1, advSkew), (c.Interface, c.State, c.AdvBase, c.AdvSkew)));
        Assert.Equal(new[] { 3, 1 }, output.Vips.Select(v => v.Vhid));
        Assert.All(output.Vips, v => Assert.Empty(v.Addresses));
    }

    [Fact]
    public void Real_GrepExcerptWithSpaces_VhidsInKernelOrder()
    {
        var output = Real("bsdrp-multitenant-jail11-grep-master.txt");

        Assert.Equal(new[] { (2, CarpState.Master, 100), (1, CarpState.Master, 100) }, output.Carp.Select(c => (c.Vhid, c.State, c.AdvSkew)));
    }

    [Fact]
    public void FromSource_FreeBsd14_PeerLineKeyAndVhidOneIsNotVhidTen()
    {
        var output = IfconfigParser.Parse(FromSource.IfconfigFreeBsd14);

        var vtnet1 = output.Interfaces[0];
        Assert.Equal("no carrier", vtnet1.Status);
        var ten = vtnet1.Carp[0];
        Assert.Equal((CarpState.Backup, 10, 1, 100, "224.0.0.18", "ff02::12", (string?)null), (ten.State, ten.Vhid, ten.AdvBase, ten.AdvSkew, ten.Peer, ten.Peer6, ten.Key));
        var one = vtnet1.Carp[1];
        Assert.Equal((CarpState.Init, 1, 2, 0, "198.51.100.2", "2001:db8::2", "s3cret"), (one.State, one.Vhid, one.AdvBase, one.AdvSkew, one.Peer, one.Peer6, one.Key));

        var vips = output.Vips.ToDictionary(v => v.Vhid);
        Assert.Equal(new[] { "192.0.2.1", "2001:db8::1" }, vips[10].Addresses.Select(a => a.Address));
        Assert.Equal(new[] { "192.0.2.11" }, vips[1].Addresses.Select(a => a.Address));
    }

    [Fact]
    public void FromSource_FreeBsd15_VrrpLine()
    {
        var vrrp = Assert.Single(IfconfigParser.Parse(FromSource.IfconfigFreeBsd14).Vrrp);

        Assert.Equal(("vtnet1", CarpState.Master, 5, 100, 100), (vrrp.Interface, vrrp.State, vrrp.Vrid, vrrp.Priority, vrrp.Interval));
    }

    [Fact]
    public void FromSource_VlanInterface_TagProtocolParentAndItsVip()
    {
        var output = IfconfigParser.Parse(FromSource.IfconfigFreeBsd14);

        var vlan = output.Interfaces.Single(i => i.Name == "vtnet1.210");
        Assert.Equal(new VlanInfo { Tag = 210, Protocol = "802.1q", Priority = 0, Parent = "vtnet1" }, vlan.Vlan);
        var vip = output.Vips.Single(v => v.Vhid == 21);
        Assert.Equal(("vtnet1.210", CarpState.Master), (vip.Interface, vip.State));
        Assert.Equal("10.21.0.1", Assert.Single(vip.Addresses).Address);
    }

    [Fact]
    public void OldVlanLine_WithoutProtocol()
    {
        var output = IfconfigParser.Parse("vlan210: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tvlan: 210 parent interface: em0\n");

        Assert.Equal(new VlanInfo { Tag = 210, Parent = "em0" }, output.Interfaces[0].Vlan);
    }

    [Fact]
    public void CrLfAndCidrNotation_AreRead()
    {
        var output = IfconfigParser.Parse("em0: flags=8843<UP> metric 0 mtu 1500\r\n\tinet 192.0.2.5/24 broadcast 192.0.2.255 vhid 7\r\n\tcarp: MASTER vhid 7 advbase 1 advskew 0\r\n");

        Assert.Equal(24, Assert.Single(Assert.Single(output.Vips).Addresses).PrefixLength);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n\t\n", "empty")]
    [InlineData("hello world", "neither an interface header")]
    [InlineData("\toptions=80028<VLAN_MTU>\n\tmedia: Ethernet", "no interface header")]
    // A line it cannot read is skipped; when nothing else is left, the error names it.
    [InlineData("\tcarp: MASTER vhid 1 advbase 1 adv", "adv has no value")]
    [InlineData("\tcarp: MASTER vhid 1 advbase 1", "no advskew")]
    [InlineData("\tcarp: PRIMARY vhid 1 advbase 1 advskew 0", "PRIMARY")]
    [InlineData("\tcarp: MASTER vhid 300 advbase 1 advskew 0", "vhid '300'")]
    [InlineData("\tcarp: MASTER vhid x advbase 1 advskew 0", "vhid 'x'")]
    [InlineData("vtnet3: flags=8863<UP,BROAD", "an interface header cut short")]
    public void Unreadable_ThrowsHaEdgeExceptionNamingIfconfigAndWhatIsMissing(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => IfconfigParser.Parse(text));

        Assert.Equal("PfSenseOutputUnparsable", error.ErrorId);
        Assert.Equal(FailureKind.InvalidData, error.Kind);
        Assert.Contains("ifconfig", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("em0: flags=8843<UP> mtu 1500\n\tinet 192.0.2.1 netmask\n\tcarp: MASTER vhid 1 advbase 1 advskew 0", 2, "netmask has no value")]
    [InlineData("em0: flags=8843<UP> mtu 1500\n\tinet 192.0.2.1\n\tcarp: MASTER vhid 1 advbase 1 advskew 0", 2, "no netmask")]
    [InlineData("em0: flags=8843<UP> mtu 1500\n\tinet 192.0.2.1 netmask 0xff00ff00\n\tcarp: MASTER vhid 1 advbase 1 advskew 0", 2, "not contiguous")]
    [InlineData("em0: flags=8843<UP> mtu 1500\n\t      peer 224.0.0.18 peer6 ff02::12\n\tcarp: MASTER vhid 1 advbase 1 advskew 0", 2, "peer line without a carp")]
    [InlineData("em0: flags=8843<UP> mtu 1500\n\tcarp: MASTER vhid x advbase 1 advskew 0\n\tcarp: MASTER vhid 1 advbase 1 advskew 0", 2, "vhid 'x'")]
    [InlineData(">>> Launching rc.local in background...\nem0: flags=8843<UP> mtu 1500\n\tcarp: MASTER vhid 1 advbase 1 advskew 0", 1, "neither an interface header")]
    public void A_line_it_cannot_read_is_skipped_and_reported_and_the_rest_read(string text, int line, string reason)
    {
        var parsed = IfconfigParser.Read(text);

        var skipped = Assert.Single(parsed.Skipped);
        Assert.Equal(line, skipped.Number);
        Assert.Contains(reason, skipped.Reason, StringComparison.Ordinal);
        var vip = Assert.Single(parsed.Value.Vips);
        Assert.Equal(("em0", 1, CarpState.Master), (vip.Interface, vip.Vhid, vip.State));
    }

    [Fact]
    public void A_header_cut_short_takes_its_detail_lines_with_it_instead_of_giving_them_to_the_interface_before()
    {
        var parsed = IfconfigParser.Read(
            "em0: flags=8843<UP> mtu 1500\n\tcarp: MASTER vhid 1 advbase 1 advskew 0\n" +
            "em1: flags=88\n\tinet 192.0.2.9 netmask 0xffffff00 vhid 2\n\tcarp: BACKUP vhid 2 advbase 1 advskew 0\n" +
            "em2: flags=8843<UP> mtu 1500\n\tcarp: MASTER vhid 3 advbase 1 advskew 0\n");

        Assert.Equal(new[] { ("em0", 1), ("em2", 3) }, parsed.Value.Vips.Select(v => (v.Interface!, v.Vhid)));
        Assert.Equal(new[] { 3, 4, 5 }, parsed.Skipped.Select(s => s.Number));
        Assert.Contains("line 3", parsed.Skipped[1].Reason, StringComparison.Ordinal);
    }

    private static void AssertSingleAddress(CarpVip vip, string iface, IpVersion version, string address, int prefix)
    {
        Assert.Equal(iface, vip.Interface);
        var a = Assert.Single(vip.Addresses);
        Assert.Equal((version, address, prefix, (int?)vip.Vhid), (a.Version, a.Address, a.PrefixLength, a.Vhid));
    }
}
