using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Checks;

/// <summary>Reads the facts the checks judge, through the Proxmox API, in parallel where the calls do not depend on each other.</summary>
internal static class CheckReader
{
    /// <summary>Config keys of attached disks (unused<c>N</c> volumes are not attached).</summary>
    private static readonly Regex DiskKey = new Regex(@"\A(ide|sata|scsi|virtio|efidisk|tpmstate)\d+\z", RegexOptions.CultureInvariant);

    /// <param name="known">VMs already read (piped from Get-HaEdgeVm); the edge's other firewalls are read here.</param>
    public static async Task<AntiAffinityFacts> ReadAntiAffinityAsync(IProxmoxClient proxmox, EdgeDefinition edge, IReadOnlyList<HaEdgeVm> known,
        CancellationToken cancellationToken)
    {
        Task<ClusterStatus> cluster = proxmox.GetClusterStatusAsync(cancellationToken);
        Task<IReadOnlyList<HaResource>> resources = proxmox.GetHaResourcesAsync(cancellationToken);
        Task<IReadOnlyList<HaRule>?> rules = RulesOrNullAsync(proxmox, cancellationToken);
        Task<IReadOnlyList<HaGroup>> groups = proxmox.GetHaGroupsAsync(cancellationToken);
        IReadOnlyList<HaEdgeVm> vms = await VmsAsync(proxmox, edge, known, cancellationToken).ConfigureAwait(false);

        Task<KeyValuePair<int, IReadOnlyDictionary<string, string>>>[] disks = vms
            .Where(vm => vm.Status != "missing")
            .Select(vm => DisksAsync(proxmox, vm, cancellationToken))
            .ToArray();
        await Task.WhenAll(cluster, resources, rules, groups, Task.WhenAll(disks)).ConfigureAwait(false);

        return new AntiAffinityFacts(vms[0], vms[1], cluster.Result)
        {
            HaResources = resources.Result,
            HaRules = rules.Result,
            HaGroups = groups.Result,
            Disks = disks.Select(task => task.Result).ToDictionary(pair => pair.Key, pair => pair.Value),
        };
    }

    /// <param name="segments">The segments to compare (all of the definition's, or those -Segment chose).</param>
    /// <param name="known">VMs already read (by Test-HaEdge's other checks); the edge's other firewalls are read here.</param>
    public static async Task<SymmetryFacts> ReadSymmetryAsync(IProxmoxClient proxmox, EdgeDefinition edge, IReadOnlyList<SegmentDefinition> segments,
        IReadOnlyCollection<string> ipv6CarpSegments, IReadOnlyList<HaEdgeVm> known, CancellationToken cancellationToken)
    {
        Dictionary<string, Task<IReadOnlyList<NodeNetworkInterface>>> networks = edge.Firewalls
            .Select(firewall => firewall.Node)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(node => node, node => proxmox.GetNodeNetworkAsync(node, cancellationToken), StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<HaEdgeVm> vms = await VmsAsync(proxmox, edge, known, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(networks.Values).ConfigureAwait(false);

        SymmetrySide Side(HaEdgeVm vm) => new SymmetrySide(vm, networks[vm.ExpectedNode].Result);
        return new SymmetryFacts(segments, Side(vms[0]), Side(vms[1])) { Ipv6CarpSegments = ipv6CarpSegments };
    }

    /// <summary>The edge's two firewalls, primary first: the known ones as given, the rest read now.</summary>
    private static async Task<IReadOnlyList<HaEdgeVm>> VmsAsync(IProxmoxClient proxmox, EdgeDefinition edge, IReadOnlyList<HaEdgeVm> known,
        CancellationToken cancellationToken)
    {
        FirewallDefinition[] unknown = edge.Firewalls.Where(firewall => !known.Any(vm => vm.Firewall == firewall.Name)).ToArray();
        IReadOnlyList<HaEdgeVm> read = unknown.Length == 0
            ? Array.Empty<HaEdgeVm>()
            : await EdgeInventory.GetVmsAsync(proxmox, edge, unknown, cancellationToken).ConfigureAwait(false);
        return edge.Firewalls.Select(firewall => known.Concat(read).First(vm => vm.Firewall == firewall.Name)).ToList();
    }

    /// <summary>PVE 8 has no rules API: null tells the check to judge HA groups instead.</summary>
    private static async Task<IReadOnlyList<HaRule>?> RulesOrNullAsync(IProxmoxClient proxmox, CancellationToken cancellationToken)
    {
        try
        {
            return await proxmox.GetHaRulesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException error) when (error.ErrorId == "ProxmoxNotImplemented")
        {
            return null;
        }
    }

    private static async Task<KeyValuePair<int, IReadOnlyDictionary<string, string>>> DisksAsync(IProxmoxClient proxmox, HaEdgeVm vm,
        CancellationToken cancellationToken)
    {
        VmConfig config = await proxmox.GetVmConfigAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, string> disks = config.OtherSettings
            .Where(setting => DiskKey.IsMatch(setting.Key))
            .ToDictionary(setting => setting.Key, setting => setting.Value);
        return new KeyValuePair<int, IReadOnlyDictionary<string, string>>(vm.VmId, disks);
    }
}
