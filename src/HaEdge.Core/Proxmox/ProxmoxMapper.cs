using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace HaEdge.Core.Proxmox;

/// <summary>Turns the <c>data</c> payload of each PVE answer into our model types.</summary>
internal static class ProxmoxMapper
{
    public static ClusterStatus ToClusterStatus(JsonElement data)
    {
        JsonElement? cluster = null;
        var nodes = new List<ClusterNodeStatus>();
        foreach (var item in Items(data))
        {
            switch (JsonValue.String(item, "type"))
            {
                case "cluster":
                    cluster = item;
                    break;
                case "node":
                    nodes.Add(new ClusterNodeStatus
                    {
                        Name = JsonValue.String(item, "name") ?? "",
                        NodeId = JsonValue.Int(item, "nodeid"),
                        Online = JsonValue.Bool(item, "online") ?? false,
                        IpAddress = JsonValue.String(item, "ip"),
                        Local = JsonValue.Bool(item, "local") ?? false,
                    });
                    break;
            }
        }

        return new ClusterStatus
        {
            ClusterName = cluster.HasValue ? JsonValue.String(cluster.Value, "name") : null,
            IsCluster = cluster.HasValue,
            // A standalone node has no cluster entry and is always its own quorum.
            Quorate = cluster.HasValue ? JsonValue.Bool(cluster.Value, "quorate") ?? false : true,
            NodeCount = cluster.HasValue ? JsonValue.Int(cluster.Value, "nodes") : nodes.Count,
            Version = cluster.HasValue ? JsonValue.Int(cluster.Value, "version") : null,
            Nodes = nodes.OrderBy(node => node.NodeId ?? int.MaxValue).ThenBy(node => node.Name, StringComparer.Ordinal).ToList(),
        };
    }

    public static IReadOnlyList<ProxmoxNode> ToNodes(JsonElement data) =>
        Items(data).Select(item => new ProxmoxNode
        {
            Name = JsonValue.String(item, "node") ?? "",
            Status = JsonValue.String(item, "status") ?? "unknown",
            SslFingerprint = JsonValue.String(item, "ssl_fingerprint"),
            Cpu = JsonValue.Double(item, "cpu"),
            MaxCpu = JsonValue.Int(item, "maxcpu"),
            Memory = JsonValue.Long(item, "mem"),
            MaxMemory = JsonValue.Long(item, "maxmem"),
            Uptime = JsonValue.Long(item, "uptime"),
        }).OrderBy(node => node.Name, StringComparer.Ordinal).ToList();

    /// <summary>Guests only: node, storage and sdn entries of an unfiltered answer are skipped.</summary>
    public static IReadOnlyList<VmResource> ToVms(JsonElement data) =>
        Items(data)
            .Where(item => JsonValue.String(item, "type") is "qemu" or "lxc")
            .Select(item => new VmResource
            {
                VmId = JsonValue.Int(item, "vmid") ?? VmIdFromResourceId(JsonValue.String(item, "id")),
                Name = JsonValue.String(item, "name") ?? "",
                Node = JsonValue.String(item, "node") ?? "",
                Type = JsonValue.String(item, "type") ?? "qemu",
                Status = JsonValue.String(item, "status") ?? "",
                HaState = JsonValue.String(item, "hastate"),
                Template = JsonValue.Bool(item, "template") ?? false,
                Lock = JsonValue.String(item, "lock"),
                Tags = Tags(JsonValue.String(item, "tags")),
                MaxCpu = JsonValue.Int(item, "maxcpu"),
                MaxMemory = JsonValue.Long(item, "maxmem"),
                Uptime = JsonValue.Long(item, "uptime"),
            })
            .OrderBy(vm => vm.VmId)
            .ToList();

    public static VmStatus ToVmStatus(JsonElement data)
    {
        var ha = data.TryGetProperty("ha", out var haObject) ? haObject : default;
        return new VmStatus
        {
            VmId = JsonValue.Int(data, "vmid") ?? 0,
            Name = JsonValue.String(data, "name"),
            Status = JsonValue.String(data, "status") ?? "",
            QmpStatus = JsonValue.String(data, "qmpstatus"),
            HaManaged = JsonValue.Bool(ha, "managed") ?? false,
            HaState = JsonValue.String(ha, "state"),
            Uptime = JsonValue.Long(data, "uptime"),
            Cpus = JsonValue.Int(data, "cpus"),
            Memory = JsonValue.Long(data, "mem"),
            MaxMemory = JsonValue.Long(data, "maxmem"),
            Pid = JsonValue.Int(data, "pid"),
            Agent = JsonValue.Bool(data, "agent") ?? false,
            RunningMachine = JsonValue.String(data, "running-machine"),
            RunningQemu = JsonValue.String(data, "running-qemu"),
        };
    }

    public static VmConfig ToVmConfig(JsonElement data)
    {
        var settings = new List<KeyValuePair<string, string>>();
        if (data.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in data.EnumerateObject())
            {
                var text = JsonValue.AsString(property.Value);
                if (text != null) settings.Add(new KeyValuePair<string, string>(property.Name, text));
            }
        }
        return ToVmConfig(settings);
    }

    /// <summary>The same mapping for config text (<c>qm config</c>) already split into key/value pairs.</summary>
    public static VmConfig ToVmConfig(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var nics = new List<NetDevice>();
        var pciDevices = new List<PciPassthrough>();
        var others = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in settings)
        {
            var netIndex = PropertyString.IndexOf(setting.Key, "net");
            var pciIndex = PropertyString.IndexOf(setting.Key, "hostpci");
            if (netIndex.HasValue) nics.Add(NetDeviceParser.Parse(setting.Value, netIndex.Value));
            else if (pciIndex.HasValue) pciDevices.Add(PciPassthroughParser.Parse(setting.Value, pciIndex.Value));
            else others[setting.Key] = setting.Value;
        }

        string? Take(string key) => others.TryGetValue(key, out var value) ? value : null;
        return new VmConfig
        {
            Name = Take("name"),
            Digest = Take("digest"),
            Template = JsonValue.ParseBool(Take("template")) ?? false,
            Lock = Take("lock"),
            Tags = Tags(Take("tags")),
            Cores = JsonValue.ParseInt(Take("cores")),
            Sockets = JsonValue.ParseInt(Take("sockets")),
            Memory = JsonValue.ParseLong(Take("memory")),
            OsType = Take("ostype"),
            NetDevices = nics.OrderBy(nic => nic.Index).ToList(),
            PciDevices = pciDevices.OrderBy(device => device.Index).ToList(),
            OtherSettings = others,
        };
    }

    public static VmFirewallOptions ToFirewallOptions(JsonElement data) =>
        new VmFirewallOptions
        {
            Enable = JsonValue.Bool(data, "enable") ?? false,
            MacFilter = JsonValue.Bool(data, "macfilter") ?? true,
            IpFilter = JsonValue.Bool(data, "ipfilter") ?? false,
            Dhcp = JsonValue.Bool(data, "dhcp") ?? false,
            Ndp = JsonValue.Bool(data, "ndp") ?? true,
            Radv = JsonValue.Bool(data, "radv") ?? false,
            PolicyIn = JsonValue.String(data, "policy_in"),
            PolicyOut = JsonValue.String(data, "policy_out"),
            LogLevelIn = JsonValue.String(data, "log_level_in"),
            LogLevelOut = JsonValue.String(data, "log_level_out"),
            Digest = JsonValue.String(data, "digest"),
        };

    private static readonly HashSet<string> KnownInterfaceFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "iface", "type", "active", "autostart", "exists", "bridge_ports", "bridge_vlan_aware", "bridge_vids",
        "ovs_ports", "ovs_bridge", "ovs_tag", "slaves", "bond_mode", "vlan-raw-device", "vlan-id", "mtu", "cidr",
        "address", "netmask", "gateway", "cidr6", "gateway6", "method", "method6", "comments", "options", "families",
    };

    public static IReadOnlyList<NodeNetworkInterface> ToNetwork(JsonElement data) =>
        Items(data).Select(item =>
        {
            var name = JsonValue.String(item, "iface") ?? "";
            var typeName = JsonValue.String(item, "type") ?? "";
            var type = InterfaceType(typeName);
            return new NodeNetworkInterface
            {
                Name = name,
                Type = type,
                TypeName = typeName,
                Active = JsonValue.Bool(item, "active") ?? false,
                Autostart = JsonValue.Bool(item, "autostart") ?? false,
                Exists = JsonValue.Bool(item, "exists"),
                BridgePorts = JsonValue.SplitList(JsonValue.String(item, "bridge_ports"), ' ', ','),
                BridgeVlanAware = JsonValue.Bool(item, "bridge_vlan_aware") ?? false,
                BridgeVids = VlanRange.ParseList(JsonValue.String(item, "bridge_vids")),
                OvsPorts = JsonValue.SplitList(JsonValue.String(item, "ovs_ports"), ' ', ','),
                OvsBridge = JsonValue.String(item, "ovs_bridge"),
                OvsTag = JsonValue.Int(item, "ovs_tag"),
                Slaves = JsonValue.SplitList(JsonValue.String(item, "slaves"), ' ', ','),
                BondMode = JsonValue.String(item, "bond_mode"),
                VlanRawDevice = JsonValue.String(item, "vlan-raw-device"),
                VlanId = JsonValue.Int(item, "vlan-id") ?? (type == NetworkInterfaceType.Vlan ? VlanIdFromName(name) : null),
                Mtu = JsonValue.Int(item, "mtu"),
                Cidr = JsonValue.String(item, "cidr"),
                Address = JsonValue.String(item, "address"),
                Netmask = JsonValue.String(item, "netmask"),
                Gateway = JsonValue.String(item, "gateway"),
                Cidr6 = JsonValue.String(item, "cidr6"),
                Gateway6 = JsonValue.String(item, "gateway6"),
                Method = JsonValue.String(item, "method"),
                Method6 = JsonValue.String(item, "method6"),
                Comments = JsonValue.String(item, "comments")?.TrimEnd('\n'),
                Options = JsonValue.StringArray(item, "options"),
                OtherFields = JsonValue.Others(item, KnownInterfaceFields),
            };
        }).OrderBy(nic => nic.Name, StringComparer.Ordinal).ToList();

    public static IReadOnlyList<HaResource> ToHaResources(JsonElement data) =>
        Items(data).Select(item =>
        {
            var sid = JsonValue.String(item, "sid") ?? "";
            var colon = sid.IndexOf(':');
            return new HaResource
            {
                Sid = sid,
                Type = JsonValue.String(item, "type") ?? (colon > 0 ? sid.Substring(0, colon) : ""),
                VmId = colon > 0 ? JsonValue.ParseInt(sid.Substring(colon + 1)) : null,
                State = JsonValue.String(item, "state") ?? "started",
                Group = JsonValue.String(item, "group"),
                Failback = JsonValue.Bool(item, "failback") ?? true,
                MaxRestart = JsonValue.Int(item, "max_restart") ?? 1,
                MaxRelocate = JsonValue.Int(item, "max_relocate") ?? 1,
                Comment = JsonValue.String(item, "comment"),
                Digest = JsonValue.String(item, "digest"),
            };
        }).ToList();

    public static IReadOnlyList<HaRule> ToHaRules(JsonElement data) =>
        Items(data).Select(item =>
        {
            var typeName = JsonValue.String(item, "type") ?? "";
            var type = RuleType(typeName);
            return new HaRule
            {
                Rule = JsonValue.String(item, "rule") ?? "",
                Type = type,
                UnknownTypeName = type == HaRuleType.Unknown ? typeName : null,
                Resources = JsonValue.SplitList(JsonValue.String(item, "resources"), ',', ' '),
                Affinity = JsonValue.String(item, "affinity") switch
                {
                    "positive" => HaAffinity.Positive,
                    "negative" => HaAffinity.Negative,
                    _ => (HaAffinity?)null,
                },
                Nodes = HaNodePriority.ParseList(JsonValue.String(item, "nodes")),
                Strict = JsonValue.Bool(item, "strict") ?? false,
                Disabled = JsonValue.Bool(item, "disable") ?? false,
                Comment = JsonValue.String(item, "comment"),
                Digest = JsonValue.String(item, "digest"),
            };
        }).ToList();

    public static IReadOnlyList<HaGroup> ToHaGroups(JsonElement data) =>
        Items(data).Select(item => new HaGroup
        {
            Group = JsonValue.String(item, "group") ?? "",
            Nodes = HaNodePriority.ParseList(JsonValue.String(item, "nodes")),
            Restricted = JsonValue.Bool(item, "restricted") ?? false,
            NoFailback = JsonValue.Bool(item, "nofailback") ?? false,
            Comment = JsonValue.String(item, "comment"),
            Digest = JsonValue.String(item, "digest"),
        }).ToList();

    public static IReadOnlyList<HaStatusEntry> ToHaStatus(JsonElement data) =>
        Items(data).Select(item => new HaStatusEntry
        {
            Id = JsonValue.String(item, "id") ?? "",
            Type = JsonValue.String(item, "type") ?? "",
            Node = JsonValue.String(item, "node"),
            Status = JsonValue.String(item, "status"),
            Quorate = JsonValue.Bool(item, "quorate"),
            Sid = JsonValue.String(item, "sid"),
            State = JsonValue.String(item, "state"),
            CrmState = JsonValue.String(item, "crm_state"),
            RequestState = JsonValue.String(item, "request_state"),
            MaxRestart = JsonValue.Int(item, "max_restart"),
            MaxRelocate = JsonValue.Int(item, "max_relocate"),
            Failback = JsonValue.Bool(item, "failback"),
            Timestamp = JsonValue.Long(item, "timestamp"),
        }).ToList();

    public static ProxmoxTaskStatus ToTaskStatus(JsonElement data)
    {
        Upid.TryParse(JsonValue.String(data, "upid"), out var upid);
        return new ProxmoxTaskStatus
        {
            Upid = upid,
            Status = JsonValue.String(data, "status") ?? "",
            ExitStatus = JsonValue.String(data, "exitstatus"),
            Node = JsonValue.String(data, "node"),
            Type = JsonValue.String(data, "type"),
            Id = JsonValue.String(data, "id"),
            User = JsonValue.String(data, "user"),
            StartTime = JsonValue.Long(data, "starttime"),
            EndTime = JsonValue.Long(data, "endtime"),
        };
    }

    private static IEnumerable<JsonElement> Items(JsonElement data) =>
        data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.Object)
            : Enumerable.Empty<JsonElement>();

    // PVE tags are separated by ';' (older releases also accepted ',' and spaces).
    private static IReadOnlyList<string> Tags(string? text) => JsonValue.SplitList(text, ';', ',', ' ');

    private static int VmIdFromResourceId(string? id)
    {
        var slash = id?.IndexOf('/') ?? -1;
        return slash < 0 ? 0 : JsonValue.ParseInt(id!.Substring(slash + 1)) ?? 0;
    }

    private static int? VlanIdFromName(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? null : JsonValue.ParseInt(name.Substring(dot + 1));
    }

    private static NetworkInterfaceType InterfaceType(string typeName) => typeName switch
    {
        "eth" => NetworkInterfaceType.Eth,
        "bridge" => NetworkInterfaceType.Bridge,
        "bond" => NetworkInterfaceType.Bond,
        "vlan" => NetworkInterfaceType.Vlan,
        "alias" => NetworkInterfaceType.Alias,
        "OVSBridge" => NetworkInterfaceType.OVSBridge,
        "OVSBond" => NetworkInterfaceType.OVSBond,
        "OVSPort" => NetworkInterfaceType.OVSPort,
        "OVSIntPort" => NetworkInterfaceType.OVSIntPort,
        "vnet" => NetworkInterfaceType.Vnet,
        "fabric" => NetworkInterfaceType.Fabric,
        _ => NetworkInterfaceType.Unknown,
    };

    private static HaRuleType RuleType(string typeName) => typeName switch
    {
        "node-affinity" => HaRuleType.NodeAffinity,
        "resource-affinity" => HaRuleType.ResourceAffinity,
        _ => HaRuleType.Unknown,
    };
}
