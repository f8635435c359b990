namespace HaEdge.Lab.Simulators.Common;

/// <summary>
/// What the PVE API simulator may do to the lab: the seam between the simulators (Simulators/) and the network
/// lab (Topology/LabNetwork implements it). Each call is a real change to the namespaces.
/// </summary>
public interface ILabVmControl
{
    /// <summary>The lab's VMs, as the simulated cluster knows them.</summary>
    IReadOnlyList<LabVm> Vms { get; }

    /// <summary>True when the VM's processes run and its links are up.</summary>
    bool IsRunning(int vmId);

    /// <summary>Hard stop: the VM's processes die and every link of it goes down.</summary>
    Task StopAsync(int vmId, CancellationToken cancellationToken);

    /// <summary>Boot: links up, processes started again from the VM's persistent config.</summary>
    Task StartAsync(int vmId, CancellationToken cancellationToken);

    /// <summary>netN link_down=1|0: the link of that NIC goes down or up at once, as QMP set_link does.</summary>
    Task SetLinkAsync(int vmId, int netIndex, bool up, CancellationToken cancellationToken);
}

/// <summary>A lab VM: the firewall it is, its PVE node, and its NICs in netN order.</summary>
public sealed record LabVm(int VmId, string Name, string Node, IReadOnlyList<LabNic> Nics);

/// <summary>One netN of a lab VM: the bridge it sits on, its MAC, its VLAN tag if any.</summary>
public sealed record LabNic(int Index, string Bridge, string Mac, int? Tag, bool Firewall);
