using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>
/// For the lab's faults (Topology/LabFaults): make a fault visible in the PVE API as Proxmox would show it, by
/// editing the simulator's state files under their locks. The simulators read them on every request.
/// </summary>
internal static class PveLabState
{
    /// <summary>VM firewall option, e.g. macfilter 1 for the mac-filter fault (0 when healed).</summary>
    public static void SetFirewallOption(string stateDir, int vmId, string option, int value)
    {
        string path = new PveFiles(Path.Combine(stateDir, "pve")).FirewallPath(vmId);
        using (StateFile.Lock(path))
        {
            JsonObject options = JsonNode.Parse(StateFile.ReadOrNull(path) ?? "{}") as JsonObject ?? new JsonObject();
            options[option] = value;
            StateFile.WriteAtomic(path, options.ToJsonString() + "\n");
        }
    }

    /// <summary>The tag= of a VM's netN, e.g. 21 on fw2's net2 for the vlan-asymmetry fault (20 when healed).</summary>
    public static void SetNicTag(string stateDir, int vmId, int netIndex, int? tag)
    {
        new PveStore(Path.Combine(stateDir, "pve")).Update(state =>
        {
            if (!state.Vms.TryGetValue(vmId, out VmRecord? vm) || !vm.Config.TryGetValue($"net{netIndex}", out string? net))
            {
                return 0; // serve-pve has not seeded this VM yet: nothing to reflect
            }
            var parts = net.Split(',').Where(p => !p.StartsWith("tag=", StringComparison.Ordinal)).ToList();
            if (tag is int t)
            {
                parts.Add($"tag={t}");
            }
            // qemu-server order: model=MAC first, then the keys alphabetically.
            vm.Config[$"net{netIndex}"] = string.Join(',', parts.Take(1).Concat(parts.Skip(1).OrderBy(p => p, StringComparer.Ordinal)));
            return 0;
        });
    }
}
