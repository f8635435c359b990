using System;
using System.Collections.Generic;
using HaEdge.Core.Definition;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Inventory;

/// <summary>A firewall VM of the edge as Proxmox sees it now. Firewall, VmId and Node bind by property name.</summary>
public sealed record HaEdgeVm
{
    /// <summary>The edge (its definition's name) the VM is a firewall of.</summary>
    public string Edge { get; init; } = "";

    public string Firewall { get; init; } = "";

    public FirewallRole Role { get; init; }

    public int VmId { get; init; }

    /// <summary>The VM's name in Proxmox.</summary>
    public string Name { get; init; } = "";

    /// <summary>The node the VM is on now.</summary>
    public string Node { get; init; } = "";

    /// <summary>The node the edge definition puts it on.</summary>
    public string ExpectedNode { get; init; } = "";

    /// <summary>running, stopped, ...; "missing" when the cluster has no such VM.</summary>
    public string Status { get; init; } = "";

    /// <summary>The HA state when the VM is an HA resource (started, stopped, ...), else null.</summary>
    public string? HaState { get; init; }

    private readonly IReadOnlyList<NetDevice> nics = ValueList<NetDevice>.Empty;

    public IReadOnlyList<NetDevice> Nics { get => nics; init => nics = ValueList<NetDevice>.Of(value); }

    private readonly IReadOnlyList<PciPassthrough> pciDevices = ValueList<PciPassthrough>.Empty;

    public IReadOnlyList<PciPassthrough> PciDevices { get => pciDevices; init => pciDevices = ValueList<PciPassthrough>.Of(value); }

    public VmFirewallOptions? FirewallOptions { get; init; }

    /// <summary>Proxmox's MAC filter is in force on the VM (its firewall on and macfilter on); null when not read.</summary>
    public bool? MacFilter => FirewallOptions == null ? (bool?)null : FirewallOptions.Enable && FirewallOptions.MacFilter;
}
