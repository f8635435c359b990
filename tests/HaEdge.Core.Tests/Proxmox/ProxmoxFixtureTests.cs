using System.Text.RegularExpressions;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Proxmox;

/// <summary>Every sample in tests/fixtures/real/pve-api-json read through the client (or the config mapper) and checked value by value.</summary>
public class ProxmoxFixtureTests
{
    private static readonly string[] Covered =
    {
        "anaryk-GET-firewall-options-unconfigured-digest-only.json.txt",
        "goproxmox-GET-cluster-resources-all.json.txt",
        "goproxmox-GET-cluster-status.json.txt",
        "goproxmox-GET-nodes-node1-network-pve7x.json.txt",
        "goproxmox-GET-nodes-node1-network-pve9x.json.txt",
        "goproxmox-GET-nodes.json.txt",
        "goproxmox-GET-qemu-101-status-current.json.txt",
        "goproxmox-SYNTHETIC-GET-cluster-ha-groups.json.txt",
        "goproxmox-SYNTHETIC-GET-cluster-ha-resources.json.txt",
        "goproxmox-SYNTHETIC-GET-cluster-ha-rules.json.txt",
        "goproxmox-SYNTHETIC-GET-cluster-ha-status-current.json.txt",
        "goproxmox-SYNTHETIC-GET-qemu-101-config.json.txt",
        "goproxmox-SYNTHETIC-GET-qemu-101-firewall-options.json.txt",
        "goproxmox-SYNTHETIC-GET-qemu-102-config-high-index.json.txt",
        "goproxmox-SYNTHETIC-GET-task-status-running.json.txt",
        "goproxmox-SYNTHETIC-GET-task-status-stopped-OK.json.txt",
        "goproxmox-SYNTHETIC-GET-task-status-stopped-error.json.txt",
        "packer-GET-qemu-100-config-pve8.1.json.txt",
        "packer-GET-qemu-102-config-template-pve8.1.json.txt",
        "proxmoxer-60-cluster-resources-vm-entry-hastate-PYREPR.txt",
        "qmconf-qemu-server-test-netdev-7.1-multiqueues.conf.txt",
        "qmconf-qemu-server-test-q35-linux-hostpci-mapping.conf.txt",
        "qmconf-qemu-server-test-q35-linux-hostpci-multifunction.conf.txt",
    };

    [Fact]
    public void Every_pve_sample_has_a_test()
    {
        var present = RealFixture.Files("pve-api-json").Select(Path.GetFileName).ToList();
        Assert.Equal(Covered.OrderBy(name => name, StringComparer.Ordinal), present);
    }

    private static ProxmoxClient Serving(string fixture) => FakeProxmoxHandler.ServingFixture(fixture).Client();

    [Fact]
    public async Task Cluster_status_of_four_nodes()
    {
        using var client = Serving("goproxmox-GET-cluster-status.json.txt");
        var status = await client.GetClusterStatusAsync();

        Assert.True(status.IsCluster);
        Assert.Equal("clustername", status.ClusterName);
        Assert.True(status.Quorate);
        Assert.Equal(4, status.NodeCount);
        Assert.Equal(4, status.Version);
        Assert.Equal(new[] { "node1", "node2", "node3", "node4" }, status.Nodes.Select(node => node.Name));
        Assert.Equal(new int?[] { 1, 2, 3, 4 }, status.Nodes.Select(node => node.NodeId));
        Assert.Equal(new[] { "192.168.1.1", "192.168.1.2", "192.168.1.3", "192.168.1.4" }, status.Nodes.Select(node => node.IpAddress));
        Assert.All(status.Nodes, node => Assert.True(node.Online));
        Assert.Equal(new[] { true, false, false, false }, status.Nodes.Select(node => node.Local));
    }

    [Fact]
    public async Task Nodes_with_fingerprints()
    {
        using var client = Serving("goproxmox-GET-nodes.json.txt");
        var nodes = await client.GetNodesAsync();

        Assert.Equal(new[] { "node1", "node2", "node3", "node4" }, nodes.Select(node => node.Name));
        Assert.All(nodes, node => Assert.True(node.Online));
        var node1 = nodes[0];
        Assert.Equal("online", node1.Status);
        Assert.Equal("80:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69:F5", node1.SslFingerprint);
        Assert.Equal(0.00348605577689243, node1.Cpu);
        Assert.Equal(12, node1.MaxCpu);
        Assert.Equal(11508809728, node1.Memory);
        Assert.Equal(33568288768, node1.MaxMemory);
        Assert.Equal(2236708, node1.Uptime);
        Assert.Equal("17:F1:B6:52:8B:0C:22:4A:97:1F:B2:F2:90:3D:29:0A:D0:DF:BE:0E:76:5A:B5:EC:F6:2E:6E:8F:60:E6:C5:C0", nodes[1].SslFingerprint);
        Assert.Equal(4, nodes[1].MaxCpu);
        Assert.Equal(6258488, nodes[2].Uptime);
        Assert.Equal("1D:56:94:B4:75:4B:5C:33:46:DD:14:38:6C:EC:6E:12:A8:F0:66:64:5E:F2:40:F7:60:2A:C0:9F:BF:6C:51:3C", nodes[2].SslFingerprint);
        Assert.Equal(65919561728, nodes[3].MaxMemory);
        Assert.Equal(8, nodes[3].MaxCpu);
        Assert.Equal("0D:78:80:CD:64:8E:96:E5:31:87:1C:45:3C:62:93:2F:23:4C:D5:02:42:FE:C8:40:DC:AF:3D:2A:F8:B4:F6:CE", nodes[3].SslFingerprint);
    }

    [Fact]
    public async Task Cluster_resources_keep_only_guests()
    {
        using var client = Serving("goproxmox-GET-cluster-resources-all.json.txt");
        var vms = await client.GetVmsAsync();

        Assert.Equal(new[] { 100, 101, 102, 200 }, vms.Select(vm => vm.VmId));
        var server1 = vms[0];
        Assert.Equal("server1", server1.Name);
        Assert.Equal("node2", server1.Node);
        Assert.Equal("qemu", server1.Type);
        Assert.Equal("running", server1.Status);
        Assert.False(server1.Template);
        Assert.Null(server1.HaState);
        Assert.False(server1.IsHaManaged);
        Assert.Null(server1.Lock);
        Assert.Empty(server1.Tags);
        Assert.Equal(1, server1.MaxCpu);
        Assert.Equal(1073741824, server1.MaxMemory);
        Assert.Equal(874350, server1.Uptime);

        Assert.Equal(("leap154", "node1", "stopped", true), (vms[1].Name, vms[1].Node, vms[1].Status, vms[1].Template));
        Assert.Equal(16777216000, vms[1].MaxMemory);
        Assert.Equal(("machine-test", false), (vms[2].Name, vms[2].Template));
        Assert.Equal(new[] { "go-proxmox+cloud-init" }, vms[2].Tags);
        Assert.Equal(("VM 200", "node1", 4), (vms[3].Name, vms[3].Node, vms[3].MaxCpu));
    }

    [Fact]
    public async Task Python_repr_resource_entry_carries_hastate()
    {
        // The sample is a Python 2 dict repr of one /cluster/resources element: u'...' strings become JSON strings.
        var repr = RealFixture.Body("pve-api-json/proxmoxer-60-cluster-resources-vm-entry-hastate-PYREPR.txt").Trim();
        var json = "{\"data\":[" + Regex.Replace(repr, @"u'([^']*)'", "\"$1\"") + "]}";
        using var client = new FakeProxmoxHandler(_ => FakeProxmoxHandler.Json(json)).Client();

        var vm = Assert.Single(await client.GetVmsAsync());
        Assert.Equal(111, vm.VmId);
        Assert.Equal("X-vm", vm.Name);
        Assert.Equal("kvm-03", vm.Node);
        Assert.Equal("running", vm.Status);
        Assert.Equal("started", vm.HaState);
        Assert.True(vm.IsHaManaged);
        Assert.False(vm.Template);
        Assert.Equal(2, vm.MaxCpu);
        Assert.Equal(4294967296, vm.MaxMemory);
        Assert.Equal(881010, vm.Uptime);
    }

    [Fact]
    public async Task Network_pve7_eth_and_bridge()
    {
        using var client = Serving("goproxmox-GET-nodes-node1-network-pve7x.json.txt");
        var network = await client.GetNodeNetworkAsync("node1");

        Assert.Equal(new[] { "enp0s31f6", "vmbr0" }, network.Select(nic => nic.Name));
        var eth = network[0];
        Assert.Equal(NetworkInterfaceType.Eth, eth.Type);
        Assert.Equal("eth", eth.TypeName);
        Assert.True(eth.Active);
        Assert.False(eth.Autostart);
        Assert.True(eth.Exists);
        Assert.Equal("manual", eth.Method);
        Assert.Equal("manual", eth.Method6);
        Assert.Equal("3", eth.OtherFields["priority"]);

        var bridge = network[1];
        Assert.Equal(NetworkInterfaceType.Bridge, bridge.Type);
        Assert.Equal(new[] { "enp0s31f6" }, bridge.BridgePorts);
        Assert.False(bridge.BridgeVlanAware);
        Assert.Empty(bridge.BridgeVids);
        Assert.True(bridge.Active);
        Assert.True(bridge.Autostart);
        Assert.Null(bridge.Exists);
        Assert.Equal("192.168.5.1/24", bridge.Cidr);
        Assert.Equal("192.168.5.1", bridge.Address);
        Assert.Equal("24", bridge.Netmask);
        Assert.Equal("192.168.1.1", bridge.Gateway);
        Assert.Equal("static", bridge.Method);
        Assert.Equal("0", bridge.OtherFields["bridge_fd"]);
        Assert.Equal("off", bridge.OtherFields["bridge_stp"]);
        Assert.Equal("4", bridge.OtherFields["priority"]);
    }

    [Fact]
    public async Task Network_pve9_vlans_and_vlan_aware_bridge()
    {
        using var client = Serving("goproxmox-GET-nodes-node1-network-pve9x.json.txt");
        var network = await client.GetNodeNetworkAsync("node1");

        Assert.Equal(new[] { "eno1", "eno1.2", "vmbr1", "vmbr2.2", "vmbr2.8" }, network.Select(nic => nic.Name));
        Assert.Equal(NetworkInterfaceType.Eth, network[0].Type);
        Assert.True(network[0].Exists);
        Assert.False(network[0].Active);
        Assert.Equal("20", network[0].OtherFields["priority"]);

        var vlan = network[1];
        Assert.Equal(NetworkInterfaceType.Vlan, vlan.Type);
        Assert.Equal("eno1", vlan.VlanRawDevice);
        Assert.Equal(2, vlan.VlanId);
        Assert.Equal("192.168.2.50/32", vlan.Cidr);
        Assert.Equal("192.168.2.50", vlan.Address);
        Assert.Equal("32", vlan.Netmask);
        Assert.Equal(new[] { "metric 200" }, vlan.Options);
        Assert.Equal("Some Comment", vlan.Comments);
        Assert.True(vlan.Active);
        Assert.True(vlan.Autostart);
        Assert.True(vlan.Exists);

        var bridge = network[2];
        Assert.Equal(NetworkInterfaceType.Bridge, bridge.Type);
        Assert.Equal(new[] { "eno1.2", "vmbr2.10" }, bridge.BridgePorts);
        Assert.True(bridge.BridgeVlanAware);
        Assert.Equal(new VlanRange(2, 4094), Assert.Single(bridge.BridgeVids));
        Assert.Equal("some comment", bridge.Comments);
        Assert.Equal("manual", bridge.Method);
        Assert.Equal("off", bridge.OtherFields["bridge_stp"]);

        var onBridge = network[3];
        Assert.Equal(("vmbr2", 2, "192.168.22.31/24", "192.168.22.31"), (onBridge.VlanRawDevice, onBridge.VlanId, onBridge.Cidr, onBridge.Address));
        Assert.Null(onBridge.Exists);
        Assert.Equal(new[] { "metric 100" }, onBridge.Options);
        Assert.Null(onBridge.Comments);

        var vlan8 = network[4];
        Assert.Equal(("vmbr2", 8, "172.16.20.1/24", "172.20.0.1", "Some Network"), (vlan8.VlanRawDevice, vlan8.VlanId, vlan8.Cidr, vlan8.Address, vlan8.Comments));
        Assert.Equal("35", vlan8.OtherFields["priority"]);
    }

    [Fact]
    public async Task Vm_status_current()
    {
        using var client = Serving("goproxmox-GET-qemu-101-status-current.json.txt");
        var status = await client.GetVmStatusAsync("node1", 101);

        Assert.Equal(101, status.VmId);
        Assert.Equal("matt", status.Name);
        Assert.Equal("running", status.Status);
        Assert.Equal("running", status.QmpStatus);
        Assert.False(status.HaManaged);
        Assert.Null(status.HaState);
        Assert.Equal(170815, status.Uptime);
        Assert.Equal(8, status.Cpus);
        Assert.Equal(1127792640, status.Memory);
        Assert.Equal(2097152000, status.MaxMemory);
        Assert.Equal(1563102, status.Pid);
        Assert.True(status.Agent);
        Assert.Equal("pc-i440fx-8.0+pve0", status.RunningMachine);
        Assert.Equal("8.0.2", status.RunningQemu);
    }

    [Fact]
    public async Task Vm_config_pve81_with_memory_as_string()
    {
        using var client = Serving("packer-GET-qemu-100-config-pve8.1.json.txt");
        var config = await client.GetVmConfigAsync("pve", 100);

        Assert.Equal("first-vm", config.Name);
        Assert.Equal("1ac0a42d3ead982a5631ee77a9444b44e5ff5456", config.Digest);
        Assert.Equal(2048, config.Memory);
        Assert.Equal(1, config.Cores);
        Assert.Equal(1, config.Sockets);
        Assert.Equal("l26", config.OsType);
        Assert.False(config.Template);
        Assert.Empty(config.Tags);
        Assert.Empty(config.PciDevices);
        var nic = Assert.Single(config.NetDevices);
        Assert.Equal(("net0", "virtio", "BC:24:11:30:AD:93", "vmbr0", true), (nic.Key, nic.Model, nic.MacAddress, nic.Bridge, nic.Firewall));
        Assert.Null(nic.Tag);
        Assert.False(nic.LinkDown);
        Assert.Equal("local-lvm:vm-100-disk-0,iothread=1,size=32G", config.OtherSettings["scsi0"]);
        Assert.Equal("order=scsi0;ide2;net0", config.OtherSettings["boot"]);
        Assert.Equal("0", config.OtherSettings["numa"]);
        Assert.Equal("x86-64-v2-AES", config.OtherSettings["cpu"]);
        Assert.Equal("creation-qemu=8.1.5,ctime=1729285344", config.OtherSettings["meta"]);
        Assert.Equal("virtio-scsi-single", config.OtherSettings["scsihw"]);
        Assert.False(config.OtherSettings.ContainsKey("net0"));
    }

    [Fact]
    public async Task Vm_config_pve81_template()
    {
        using var client = Serving("packer-GET-qemu-102-config-template-pve8.1.json.txt");
        var config = await client.GetVmConfigAsync("pve", 102);

        Assert.Equal("template-three", config.Name);
        Assert.True(config.Template);
        Assert.Equal(new[] { "blue" }, config.Tags);
        Assert.Equal(2048, config.Memory);
        Assert.Equal("03ef3384bc6f151328671273f32d0df85ebe257f", config.Digest);
        var nic = Assert.Single(config.NetDevices);
        Assert.Equal(("virtio", "BC:24:11:A4:A0:3E", "vmbr0", true), (nic.Model, nic.MacAddress, nic.Bridge, nic.Firewall));
        Assert.Equal("local-lvm:base-102-disk-0,iothread=1,size=32G", config.OtherSettings["scsi0"]);
    }

    [Fact]
    public async Task Vm_config_synthetic_field_coverage()
    {
        using var client = Serving("goproxmox-SYNTHETIC-GET-qemu-101-config.json.txt");
        var config = await client.GetVmConfigAsync("node1", 101);

        Assert.Equal("matt", config.Name);
        Assert.Equal("abc123def456", config.Digest);
        Assert.Equal(new[] { "production", "webserver" }, config.Tags);
        Assert.Equal((2, 1, 2048L), (config.Cores!.Value, config.Sockets!.Value, config.Memory!.Value));
        var nic = Assert.Single(config.NetDevices);
        Assert.Equal(("virtio", "BC:24:11:2E:C5:4A", "vmbr0", false), (nic.Model, nic.MacAddress, nic.Bridge, nic.Firewall));
        var pci = Assert.Single(config.PciDevices);
        Assert.Equal("hostpci0", pci.Key);
        Assert.Equal(new[] { "0000:01:00.0" }, pci.HostIds);
        Assert.False(pci.IsMapping);
        Assert.Equal("host=1234:5678", config.OtherSettings["usb0"]);
        Assert.Equal("socket", config.OtherSettings["serial0"]);
        Assert.Equal("/dev/parport0", config.OtherSettings["parallel0"]);
        Assert.Equal("cpus=0-1,memory=2048", config.OtherSettings["numa0"]);
        Assert.Equal("ip=192.168.1.10/24,gw=192.168.1.1", config.OtherSettings["ipconfig0"]);
        Assert.Equal("local-lvm:vm-101-unused", config.OtherSettings["unused0"]);
        Assert.Equal("local:iso/debian-12.iso,media=cdrom", config.OtherSettings["ide2"]);
        Assert.Equal("local-lvm:vm-101-disk-2,size=64G", config.OtherSettings["virtio0"]);
        Assert.Equal("101", config.OtherSettings["vmid"]);
    }

    [Fact]
    public async Task Vm_config_synthetic_high_indexes()
    {
        using var client = Serving("goproxmox-SYNTHETIC-GET-qemu-102-config-high-index.json.txt");
        var config = await client.GetVmConfigAsync("node1", 102);

        Assert.Equal("wide", config.Name);
        Assert.Equal(new[] { 0, 15, 31 }, config.NetDevices.Select(nic => nic.Index));
        Assert.Equal(new[] { "vmbr0", "vmbr15", "vmbr31" }, config.NetDevices.Select(nic => nic.Bridge));
        Assert.Equal("00:00:00:00:00:31", config.NetDevices[2].MacAddress);
        var pci = Assert.Single(config.PciDevices);
        Assert.Equal((15, "0000:0f:00.0"), (pci.Index, pci.HostIds.Single()));
        Assert.Equal("local-lvm:vm-102-unused-255", config.OtherSettings["unused255"]);
        Assert.Equal("local-lvm:vm-102-disk-30,size=32G", config.OtherSettings["scsi30"]);
        Assert.Equal("ip=10.0.0.20/24,gw=10.0.0.1", config.OtherSettings["ipconfig20"]);
        Assert.Equal("1", config.OtherSettings["numa"]);
    }

    [Fact]
    public async Task Firewall_options_synthetic()
    {
        using var client = Serving("goproxmox-SYNTHETIC-GET-qemu-101-firewall-options.json.txt");
        var options = await client.GetVmFirewallOptionsAsync("node1", 101);

        Assert.True(options.Enable);
        Assert.Equal(("ACCEPT", "ACCEPT"), (options.PolicyIn, options.PolicyOut));
        Assert.True(options.MacFilter);
        Assert.False(options.IpFilter);
        Assert.Null(options.Digest);
    }

    [Fact]
    public async Task Firewall_options_unconfigured_mean_defaults_with_macfilter_on()
    {
        using var client = Serving("anaryk-GET-firewall-options-unconfigured-digest-only.json.txt");
        var options = await client.GetVmFirewallOptionsAsync("pco-test-2", 100);

        Assert.Equal("da39a3ee5e6b4b0d3255bfef95601890afd80709", options.Digest);
        Assert.False(options.Enable);
        Assert.True(options.MacFilter);
        Assert.False(options.IpFilter);
        Assert.False(options.Dhcp);
        Assert.True(options.Ndp);
        Assert.False(options.Radv);
        Assert.Null(options.PolicyIn);
        Assert.Null(options.PolicyOut);
    }

    [Fact]
    public async Task Ha_groups()
    {
        using var client = Serving("goproxmox-SYNTHETIC-GET-cluster-ha-groups.json.txt");
        var group = Assert.Single(await client.GetHaGroupsAsync());

        Assert.Equal("test-group", group.Group);
        Assert.Equal(new[] { new HaNodePriority("node1"), new HaNodePriority("node2") }, group.Nodes);
        Assert.Equal("test", group.Comment);
        Assert.False(group.Restricted);
        Assert.False(group.NoFailback);
    }

    [Fact]
    public async Task Ha_resources()
    {
        using var client = Serving("goproxmox-SYNTHETIC-GET-cluster-ha-resources.json.txt");
        var resource = Assert.Single(await client.GetHaResourcesAsync());

        Assert.Equal(("vm:100", "vm", 100, "started", "test-group"), (resource.Sid, resource.Type, resource.VmId!.Value, resource.State, resource.Group));
        Assert.Equal((1, 1), (resource.MaxRestart, resource.MaxRelocate));
        Assert.True(resource.Failback);
    }

    [Fact]
    public async Task Ha_rules()
    {
        using var client = Serving("goproxmox-SYNTHETIC-GET-cluster-ha-rules.json.txt");
        var rule = Assert.Single(await client.GetHaRulesAsync());

        Assert.Equal("rule-1", rule.Rule);
        Assert.Equal(HaRuleType.NodeAffinity, rule.Type);
        Assert.Equal("node-affinity", rule.TypeName);
        Assert.Equal(new[] { "vm:100" }, rule.Resources);
        Assert.Equal(new[] { new HaNodePriority("node1") }, rule.Nodes);
        Assert.True(rule.Strict);
        Assert.True(rule.Enabled);
        Assert.Null(rule.Affinity);
    }

    [Fact]
    public async Task Ha_status_current()
    {
        using var client = Serving("goproxmox-SYNTHETIC-GET-cluster-ha-status-current.json.txt");
        var entries = await client.GetHaStatusAsync();

        Assert.Equal(2, entries.Count);
        Assert.Equal(("node1", "node", "node1", "online", true), (entries[0].Id, entries[0].Type, entries[0].Node, entries[0].Status, entries[0].Quorate!.Value));
        Assert.Equal(("vm:100", "service", "node1", "started", "started"), (entries[1].Id, entries[1].Type, entries[1].Node, entries[1].State, entries[1].RequestState));
        Assert.Null(entries[1].Quorate);
    }

    [Theory]
    [InlineData("goproxmox-SYNTHETIC-GET-task-status-running.json.txt", "UPID:node1:00000001:00000001:00000001:test:running:root@pam:", "running", null, "running", 1, null)]
    [InlineData("goproxmox-SYNTHETIC-GET-task-status-stopped-OK.json.txt", "UPID:node1:00000002:00000002:00000002:test:completed:root@pam:", "stopped", "OK", "completed", 2, 1693252600L)]
    [InlineData("goproxmox-SYNTHETIC-GET-task-status-stopped-error.json.txt", "UPID:node1:00000003:00000003:00000003:test:failed:root@pam:", "stopped", "some error occurred", "failed", 3, 1693252600L)]
    public async Task Task_status(string fixture, string upidText, string state, string? exitStatus, string id, int pid, long? endTime)
    {
        using var client = Serving(fixture);
        var status = await client.GetTaskStatusAsync(Upid.Parse(upidText));

        Assert.Equal(state, status.Status);
        Assert.Equal(exitStatus, status.ExitStatus);
        Assert.Equal(state == "running", status.IsRunning);
        Assert.Equal(exitStatus == "OK", status.Succeeded);
        Assert.Equal(("node1", "test", id, "root@pam"), (status.Node!, status.Type!, status.Id!, status.User!));
        Assert.Equal(upidText, status.Upid!.Text);
        Assert.Equal(pid, status.Upid.ProcessId);
        Assert.Equal(1693252591, status.StartTime);
        Assert.Equal(endTime, status.EndTime);
    }

    private static VmConfig ConfigFromQmConf(string fixture)
    {
        // qm config text: "key: value" lines; '#' lines are the description and not settings.
        var settings = RealFixture.Body("pve-api-json/" + fixture).Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => new KeyValuePair<string, string>(line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..].Trim()));
        return ProxmoxMapper.ToVmConfig(settings);
    }

    [Fact]
    public void Qm_config_net_with_mtu_and_queues()
    {
        var config = ConfigFromQmConf("qmconf-qemu-server-test-netdev-7.1-multiqueues.conf.txt");

        Assert.Equal("netdev", config.Name);
        Assert.Equal((3, 768L, "l26"), (config.Cores!.Value, config.Memory!.Value, config.OsType!));
        var nic = Assert.Single(config.NetDevices);
        Assert.Equal(("virtio", "A2:C0:43:77:08:A0", "vmbr0", 900, 2), (nic.Model, nic.MacAddress, nic.Bridge, nic.Mtu!.Value, nic.Queues!.Value));
        Assert.Equal("scsi0", config.OtherSettings["bootdisk"]);
    }

    [Fact]
    public void Qm_config_hostpci_mappings()
    {
        var config = ConfigFromQmConf("qmconf-qemu-server-test-q35-linux-hostpci-mapping.conf.txt");

        Assert.Equal(new[] { "someNic", "someGpu", "someNic" }, config.PciDevices.Select(device => device.Mapping));
        Assert.All(config.PciDevices, device => Assert.True(device.IsMapping));
        Assert.All(config.PciDevices, device => Assert.Empty(device.HostIds));
        Assert.Equal("some-model", config.PciDevices[1].Mdev);
        Assert.Null(config.PciDevices[0].Mdev);
        var nic = Assert.Single(config.NetDevices);
        Assert.Equal(("virtio", "2E:01:68:F9:9C:87", "vmbr0"), (nic.Model, nic.MacAddress, nic.Bridge));
        Assert.Equal("q35", config.OtherSettings["machine"]);
        Assert.Equal("ovmf", config.OtherSettings["bios"]);
        Assert.Equal(2, config.Sockets);
    }

    [Fact]
    public void Qm_config_hostpci_multifunction()
    {
        var config = ConfigFromQmConf("qmconf-qemu-server-test-q35-linux-hostpci-multifunction.conf.txt");

        Assert.Equal(new[] { "f0:43" }, config.PciDevices[0].HostIds);
        Assert.Equal(new[] { "1234:f0:43" }, config.PciDevices[1].HostIds);
        Assert.All(config.PciDevices, device => Assert.False(device.IsMapping));
        Assert.Equal(512, config.Memory);
        Assert.Equal("virtio", config.NetDevices.Single().Model);
    }
}
