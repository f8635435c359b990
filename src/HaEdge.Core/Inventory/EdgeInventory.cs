using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Inventory;

/// <summary>The Proxmox side of the edge, read in as few round trips as it takes, in parallel where it can.</summary>
internal static class EdgeInventory
{
    public static async Task<IReadOnlyList<HaEdgeNode>> GetNodesAsync(IProxmoxClient proxmox, EdgeDefinition edge, CancellationToken cancellationToken)
    {
        ClusterStatus cluster = await proxmox.GetClusterStatusAsync(cancellationToken).ConfigureAwait(false);
        return cluster.Nodes
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .Select(n => new HaEdgeNode
            {
                Node = n.Name,
                Online = n.Online,
                IpAddress = n.IpAddress,
                NodeId = n.NodeId,
                Cluster = cluster.ClusterName,
                Quorate = cluster.Quorate,
                ClusterNodes = cluster.Nodes.Count,
                Firewalls = edge.Firewalls.Where(f => string.Equals(f.Node, n.Name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Name).ToArray(),
            })
            .ToList();
    }

    /// <summary>The edge's firewall VMs, primary first. A VM the cluster does not have is reported with status "missing".</summary>
    public static async Task<IReadOnlyList<HaEdgeVm>> GetVmsAsync(IProxmoxClient proxmox, EdgeDefinition edge, IEnumerable<FirewallDefinition> firewalls,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<VmResource> resources = await proxmox.GetVmsAsync(cancellationToken).ConfigureAwait(false);
        Task<HaEdgeVm>[] reads = firewalls
            .Select(f => ReadVmAsync(proxmox, f, resources.FirstOrDefault(r => r.VmId == f.VmId), cancellationToken))
            .ToArray();
        return await Task.WhenAll(reads).ConfigureAwait(false);
    }

    private static async Task<HaEdgeVm> ReadVmAsync(IProxmoxClient proxmox, FirewallDefinition firewall, VmResource? resource, CancellationToken cancellationToken)
    {
        var vm = new HaEdgeVm
        {
            Firewall = firewall.Name,
            Role = firewall.Role,
            VmId = firewall.VmId,
            ExpectedNode = firewall.Node,
        };
        if (resource == null)
        {
            return vm with { Status = "missing" };
        }

        Task<VmConfig> config = proxmox.GetVmConfigAsync(resource.Node, resource.VmId, cancellationToken);
        Task<VmFirewallOptions> options = proxmox.GetVmFirewallOptionsAsync(resource.Node, resource.VmId, cancellationToken);
        await Task.WhenAll(config, options).ConfigureAwait(false);
        return vm with
        {
            Name = resource.Name,
            Node = resource.Node,
            Status = resource.Status,
            HaState = resource.HaState,
            Nics = config.Result.NetDevices,
            PciDevices = config.Result.PciDevices,
            FirewallOptions = options.Result,
        };
    }
}
