using HaEdge.Core.Proxmox;
using Xunit;

namespace HaEdge.Core.Tests.Proxmox;

public class NetDeviceParserTests
{
    [Fact]
    public void Reads_model_mac_bridge_tag_and_firewall()
    {
        var nic = NetDeviceParser.Parse("e1000=76:C3:A2:DE:66:16,bridge=vmbr0,firewall=1,tag=222", 2);

        Assert.Equal(("net2", "e1000", "76:C3:A2:DE:66:16", "vmbr0", 222, true), (nic.Key, nic.Model, nic.MacAddress, nic.Bridge, nic.Tag!.Value, nic.Firewall));
        Assert.False(nic.LinkDown);
        Assert.Empty(nic.Trunks);
        Assert.Empty(nic.OtherOptions);
    }

    [Fact]
    public void Reads_every_option_and_keeps_unknown_ones()
    {
        var nic = NetDeviceParser.Parse("virtio=bc:24:11:2e:c5:4a,bridge=vmbr1,trunks=10;20-30;40,firewall=0,link_down=1,mtu=1,queues=4,rate=12.5,host-tunnel=1,future=x");

        Assert.Equal("BC:24:11:2E:C5:4A", nic.MacAddress);
        Assert.Equal(new[] { new VlanRange(10, 10), new VlanRange(20, 30), new VlanRange(40, 40) }, nic.Trunks);
        Assert.True(nic.Trunks[1].Contains(25));
        Assert.False(nic.Firewall);
        Assert.True(nic.LinkDown);
        Assert.Equal((1, 4, 12.5), (nic.Mtu!.Value, nic.Queues!.Value, nic.Rate!.Value));
        Assert.Equal(new Dictionary<string, string> { ["future"] = "x", ["host-tunnel"] = "1" }, nic.OtherOptions);
    }

    [Fact]
    public void Reads_a_model_newer_than_the_known_list_from_its_mac()
    {
        var nic = NetDeviceParser.Parse("igb=02:00:00:00:00:02,bridge=vmbr0");

        Assert.Equal(("igb", "02:00:00:00:00:02"), (nic.Model, nic.MacAddress));
        Assert.Empty(nic.OtherOptions);
    }

    [Fact]
    public void Reads_the_long_form_model_and_macaddr()
    {
        var nic = NetDeviceParser.Parse("model=vmxnet3,macaddr=02:00:00:00:00:01,bridge=vmbr9");

        Assert.Equal(("vmxnet3", "02:00:00:00:00:01", "vmbr9"), (nic.Model, nic.MacAddress, nic.Bridge));
    }

    [Fact]
    public void Rewrites_with_the_cable_pulled_and_reads_back_the_same()
    {
        var nic = NetDeviceParser.Parse("virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1,tag=20,trunks=30;40-42,mtu=1500,queues=2,rate=10,host-tunnel=1", 1);
        var pulled = nic.WithLinkDown(true);

        Assert.Equal("virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,tag=20,trunks=30;40-42,firewall=1,link_down=1,mtu=1500,queues=2,rate=10,host-tunnel=1", pulled.ToPropertyString());
        var reread = NetDeviceParser.Parse(pulled.ToPropertyString(), 1);
        Assert.True(reread.LinkDown);
        Assert.Equal(pulled.ToPropertyString(), reread.ToPropertyString());
        Assert.False(nic.LinkDown);
        Assert.Equal("net1: " + nic.ToPropertyString(), nic.ToString());
    }

    [Theory]
    [InlineData("virtio=BC:24:11:2E:C5:4A,tag=ten")]
    [InlineData("virtio=BC:24:11:2E:C5:4A,firewall=maybe")]
    [InlineData("virtio=BC:24:11:2E:C5:4A,trunks=10;x")]
    [InlineData("virtio=BC:24:11:2E:C5:4A,rate=fast")]
    [InlineData("")]
    public void Refuses_malformed_values(string value)
    {
        var error = Assert.Throws<HaEdgeException>(() => NetDeviceParser.Parse(value, 3));

        Assert.Equal("ProxmoxInvalidNetDevice", error.ErrorId);
        Assert.Equal(FailureKind.InvalidData, error.Kind);
        Assert.Equal("net3", error.Target);
    }
}

public class PciPassthroughParserTests
{
    [Theory]
    [InlineData("0f:f2.0", new[] { "0f:f2.0" })]
    [InlineData("host=81:00.4;81:00.5", new[] { "81:00.4", "81:00.5" })]
    [InlineData("0000:81:00.2", new[] { "0000:81:00.2" })]
    public void Reads_host_ids(string value, string[] ids)
    {
        var device = PciPassthroughParser.Parse(value);

        Assert.Equal(ids, device.HostIds);
        Assert.Null(device.Mapping);
        Assert.False(device.Pcie);
        Assert.True(device.RomBar);
        Assert.False(device.XVga);
    }

    [Fact]
    public void Reads_flags_and_keeps_driver()
    {
        var device = PciPassthroughParser.Parse("host=81:00.4,pcie=1,rombar=0,x-vga=1,driver=keep,romfile=vbios.bin", 4);

        Assert.Equal("hostpci4", device.Key);
        Assert.True(device.Pcie);
        Assert.False(device.RomBar);
        Assert.True(device.XVga);
        Assert.Equal("vbios.bin", device.RomFile);
        Assert.Equal("keep", device.OtherOptions["driver"]);
        Assert.Equal("host=81:00.4,pcie=1,rombar=0,x-vga=1,romfile=vbios.bin,driver=keep", device.ToPropertyString());
    }

    [Fact]
    public void Reads_a_mapping_with_mdev()
    {
        var device = PciPassthroughParser.Parse("mapping=someGpu,mdev=some-model");

        Assert.True(device.IsMapping);
        Assert.Equal(("someGpu", "some-model"), (device.Mapping, device.Mdev));
        Assert.Empty(device.HostIds);
    }

    [Theory]
    [InlineData("pcie=1")]
    [InlineData("host=01:00.0,pcie=yes please")]
    public void Refuses_malformed_values(string value)
    {
        var error = Assert.Throws<HaEdgeException>(() => PciPassthroughParser.Parse(value, 1));

        Assert.Equal("ProxmoxInvalidPciPassthrough", error.ErrorId);
        Assert.Equal("hostpci1", error.Target);
    }
}

public class UpidTests
{
    [Fact]
    public void Parses_every_field()
    {
        var upid = Upid.Parse("UPID:pve2:002D5A2C:0F5D3C21:66F2A1B3:qmstart:101:haedge@pve!edge:");

        Assert.Equal("pve2", upid.Node);
        Assert.Equal(0x002D5A2C, upid.ProcessId);
        Assert.Equal(0x0F5D3C21, upid.ProcessStart);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x66F2A1B3), upid.StartTime);
        Assert.Equal(("qmstart", "101", "haedge@pve!edge"), (upid.Type, upid.Id, upid.User));
        Assert.Equal("UPID:pve2:002D5A2C:0F5D3C21:66F2A1B3:qmstart:101:haedge@pve!edge:", upid.ToString());
    }

    [Fact]
    public void Accepts_a_nine_digit_pstart_and_an_empty_id()
    {
        var upid = Upid.Parse("UPID:node-a:00001234:1A2B3C4D5:66F2A1B3:vzdump::root@pam:");

        Assert.Equal(0x1A2B3C4D5, upid.ProcessStart);
        Assert.Equal("", upid.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPID:pve1:1234:0F5D3C21:66F2A1B3:qmstart:101:root@pam:")]
    [InlineData("UPID:pve1:002D5A2C:0F5D3C21:66F2A1B3:qmstart:101:root@pam")]
    [InlineData("not a upid")]
    public void Refuses_other_text(string text)
    {
        Assert.False(Upid.TryParse(text, out _));
        Assert.Equal("ProxmoxInvalidUpid", Assert.Throws<HaEdgeException>(() => Upid.Parse(text)).ErrorId);
    }
}

public class ProxmoxValueTests
{
    [Theory]
    [InlineData("2-4094", "2-4094")]
    [InlineData("2 3 10-20", "2,3,10-20")]
    [InlineData("10;20", "10,20")]
    [InlineData("", "")]
    public void Vlan_lists(string text, string expected)
    {
        Assert.Equal(expected, string.Join(",", VlanRange.ParseList(text)));
    }

    [Fact]
    public void Ha_node_lists_with_priorities()
    {
        var nodes = HaNodePriority.ParseList("pve1:2,pve2");

        Assert.Equal(new[] { new HaNodePriority("pve1", 2), new HaNodePriority("pve2") }, nodes);
        Assert.Equal("pve1:2,pve2", HaNodePriority.FormatList(nodes));
        Assert.Equal("ProxmoxInvalidHaNodeList", Assert.Throws<HaEdgeException>(() => HaNodePriority.ParseList("pve1:high")).ErrorId);
    }
}
