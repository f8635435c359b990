using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>A cluster node as the simulated corosync knows it.</summary>
internal sealed class NodeRecord
{
    public int NodeId { get; set; }
    public string Ip { get; set; } = "";
    public long StartTime { get; set; }
}

/// <summary>A VM's /etc/pve/qemu-server/&lt;vmid&gt;.conf: its node and its config keys.</summary>
internal sealed class VmRecord
{
    public string Node { get; set; } = "";
    public SortedDictionary<string, string> Config { get; set; } = new(StringComparer.Ordinal);
    public long StartedAt { get; set; }
}

/// <summary>One worker task (UPID).</summary>
internal sealed class TaskRecord
{
    public string Upid { get; set; } = "";
    public string Node { get; set; } = "";
    public string Type { get; set; } = "";
    public string Id { get; set; } = "";
    public string User { get; set; } = "";
    public string TokenId { get; set; } = "";
    public int Pid { get; set; }
    public int PStart { get; set; }
    public long StartTime { get; set; }
    public string Status { get; set; } = "running";
    public string? ExitStatus { get; set; }
    public long EndTime { get; set; }
    public List<string> Log { get; set; } = new();
}

/// <summary>An HA resource (/etc/pve/ha/resources.cfg entry).</summary>
internal sealed class HaResourceRecord
{
    public string Sid { get; set; } = "";
    public string State { get; set; } = "started";
    public int Failback { get; set; } = 1;
    public int MaxRestart { get; set; } = 1;
    public int MaxRelocate { get; set; } = 1;
    public string? Comment { get; set; }

    /// <summary>PVE 8: the HA group the resource is bound to.</summary>
    public string? Group { get; set; }
}

/// <summary>An HA group (/etc/pve/ha/groups.cfg entry), PVE 8.</summary>
internal sealed class HaGroupRecord
{
    public string Group { get; set; } = "";

    /// <summary>As given: <c>pve1:2,pve2</c>.</summary>
    public string Nodes { get; set; } = "";
    public int? Restricted { get; set; }
    public int? NoFailback { get; set; }
    public string? Comment { get; set; }
}

/// <summary>An HA rule (/etc/pve/ha/rules.cfg entry), PVE 9.</summary>
internal sealed class HaRuleRecord
{
    public string Rule { get; set; } = "";
    public string Type { get; set; } = "";
    public string Resources { get; set; } = "";
    public string? Affinity { get; set; }
    public string? Nodes { get; set; }
    public int? Strict { get; set; }
    public string? Comment { get; set; }
    public int? Disable { get; set; }

    /// <summary>The rule's place in rules.cfg (PVE::HA::Rules get_next_ordinal).</summary>
    public int Order { get; set; }
}

/// <summary>Everything pmxcfs would hold for the simulated cluster: one JSON file both node processes share.</summary>
internal sealed class ClusterState
{
    public SortedDictionary<string, NodeRecord> Nodes { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<int, VmRecord> Vms { get; set; } = new();
    public List<HaResourceRecord> HaResources { get; set; } = new();
    public List<HaRuleRecord> HaRules { get; set; } = new();
    public List<HaGroupRecord> HaGroups { get; set; } = new();
    public List<TaskRecord> Tasks { get; set; } = new();
    public int NextPid { get; set; } = 0x1A000;
    public int ConfigVersion { get; set; } = 1;
}

/// <summary>
/// Reads and updates <c>&lt;state-dir&gt;/pve/cluster.json</c> under its lock, and seeds it from the lab's VMs on
/// first start. Fault files the lab's faults also write (firewall-&lt;vmid&gt;.json, network-&lt;node&gt;.json)
/// are separate files, see <see cref="PveFiles"/>.
/// </summary>
internal sealed class PveStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string path;

    public PveStore(string pveDirectory)
    {
        path = Path.Combine(pveDirectory, "cluster.json");
    }

    /// <summary>Registers this node process and adds the lab's VMs the cluster does not know yet.</summary>
    public void Seed(ILabVmControl vms, string localNode, string localIp)
    {
        Update(state =>
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            foreach (string node in vms.Vms.Select(v => v.Node).Append(localNode).Distinct())
            {
                if (!state.Nodes.ContainsKey(node))
                {
                    state.Nodes[node] = new NodeRecord { StartTime = now };
                }
            }
            // Node ids in name order, as a cluster created node by node would usually have them.
            int id = 1;
            foreach (NodeRecord record in state.Nodes.Values)
            {
                record.NodeId = id++;
            }
            state.Nodes[localNode].Ip = localIp;
            state.Nodes[localNode].StartTime = now;
            foreach (LabVm vm in vms.Vms.Where(v => !state.Vms.ContainsKey(v.VmId)))
            {
                state.Vms[vm.VmId] = new VmRecord { Node = vm.Node, Config = DefaultConfig(vm, now), StartedAt = now };
            }
            return 0;
        });
    }

    public T Read<T>(Func<ClusterState, T> read) => read(Load());

    public T Update<T>(Func<ClusterState, T> update)
    {
        using (StateFile.Lock(path))
        {
            ClusterState state = Load();
            T result = update(state);
            StateFile.WriteAtomic(path, JsonSerializer.Serialize(state, Json));
            return result;
        }
    }

    /// <summary>The VM on that node, or PVE's error for a VM that lives elsewhere or nowhere.</summary>
    public static VmRecord RequireVm(ClusterState state, string node, int vmId)
    {
        if (!state.Vms.TryGetValue(vmId, out VmRecord? vm) || vm.Node != node)
        {
            throw new PveError(500, $"Configuration file 'nodes/{node}/qemu-server/{vmId}.conf' does not exist");
        }
        return vm;
    }

    /// <summary>SHA-1 over the config text, as PVE's digest of the .conf file.</summary>
    public static string Digest(IEnumerable<KeyValuePair<string, string>> config)
    {
        string text = string.Concat(config.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}\n"));
        return Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    /// <summary>netN as qemu-server prints it: model=MAC first, then the other keys in alphabetical order.</summary>
    public static string FormatNet(LabNic nic, bool linkDown)
    {
        var text = new StringBuilder($"virtio={nic.Mac.ToUpperInvariant()},bridge={nic.Bridge}");
        if (nic.Firewall)
        {
            text.Append(",firewall=1");
        }
        if (linkDown)
        {
            text.Append(",link_down=1");
        }
        if (nic.Tag is int tag)
        {
            text.Append(",tag=").Append(tag);
        }
        return text.ToString();
    }

    private ClusterState Load()
    {
        string? text = StateFile.ReadOrNull(path);
        return text is null ? new ClusterState() : JsonSerializer.Deserialize<ClusterState>(text, Json) ?? new ClusterState();
    }

    private static SortedDictionary<string, string> DefaultConfig(LabVm vm, long now)
    {
        var config = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["boot"] = "order=scsi0;net0",
            ["cores"] = "2",
            ["cpu"] = "host",
            ["memory"] = "2048",
            ["meta"] = $"creation-qemu=9.2.0,ctime={now}",
            ["name"] = vm.Name,
            ["numa"] = "0",
            ["onboot"] = "1",
            ["ostype"] = "other",
            ["scsi0"] = $"local-lvm:vm-{vm.VmId}-disk-0,iothread=1,size=16G",
            ["scsihw"] = "virtio-scsi-single",
            ["smbios1"] = $"uuid={Guid.NewGuid()}",
            ["sockets"] = "1",
            ["vmgenid"] = Guid.NewGuid().ToString(),
        };
        foreach (LabNic nic in vm.Nics)
        {
            config[$"net{nic.Index}"] = FormatNet(nic, linkDown: false);
        }
        return config;
    }
}
