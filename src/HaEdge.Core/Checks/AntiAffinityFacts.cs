using System;
using System.Collections.Generic;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Checks;

/// <summary>Everything <see cref="AntiAffinityCheck"/> judges: the two VMs and the cluster's HA setup, read once.</summary>
internal sealed record AntiAffinityFacts
{
    public AntiAffinityFacts(HaEdgeVm primary, HaEdgeVm secondary, ClusterStatus cluster)
    {
        Primary = primary;
        Secondary = secondary;
        Cluster = cluster;
    }

    public HaEdgeVm Primary { get; init; }

    public HaEdgeVm Secondary { get; init; }

    public ClusterStatus Cluster { get; init; }

    public IReadOnlyList<HaResource> HaResources { get; init; } = Array.Empty<HaResource>();

    /// <summary>PVE 9 HA rules; null when the release has no rules API (PVE 8 keeps placement in HA groups).</summary>
    public IReadOnlyList<HaRule>? HaRules { get; init; }

    /// <summary>PVE 8 HA groups; empty on PVE 9 once they became rules.</summary>
    public IReadOnlyList<HaGroup> HaGroups { get; init; } = Array.Empty<HaGroup>();

    /// <summary>
    /// Whether a corosync QDevice gives the cluster a third vote. Null when unknown: the API calls HaEdge makes
    /// (GET /cluster/status) do not report it.
    /// </summary>
    public bool? HasQDevice { get; init; }

    /// <summary>Disk keys and volumes (<c>scsi0</c> → <c>local-lvm:vm-101-disk-0,size=16G</c>) per VM id.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> Disks { get; init; } =
        new Dictionary<int, IReadOnlyDictionary<string, string>>();

    public IEnumerable<HaEdgeVm> Vms
    {
        get
        {
            yield return Primary;
            yield return Secondary;
        }
    }
}
