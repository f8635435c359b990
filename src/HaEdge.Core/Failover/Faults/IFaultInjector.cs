using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover.Faults;

/// <summary>Which firewall a fault hits, decided from the CARP picture right before it.</summary>
internal sealed record FaultTarget
{
    /// <summary>The MASTER before the fault.</summary>
    public string Master { get; init; } = "";

    /// <summary>The other firewall, expected to take over.</summary>
    public string Peer { get; init; } = "";

    /// <summary>The MASTER's default gateway before the fault (the WAN a WAN pull fails); null when unknown.</summary>
    public string? WanGateway { get; init; }
}

/// <summary>
/// One fault and its undo. <see cref="UndoAsync"/> must be safe to call after a partial or failed
/// <see cref="InjectAsync"/> and more than once: the runner calls it from its restore path whatever happened.
/// </summary>
internal interface IFaultInjector
{
    /// <summary>What the fault is expected to move.</summary>
    ExpectedFailover Expected { get; }

    /// <summary>The fault's steps, in words, for the timeline and the -WhatIf plan.</summary>
    IReadOnlyList<string> DescribeFault(FaultTarget target);

    IReadOnlyList<string> DescribeUndo(FaultTarget target);

    Task InjectAsync(FaultTarget target, CancellationToken cancellationToken);

    Task UndoAsync(FaultTarget target, CancellationToken cancellationToken);
}

/// <summary>pfSense maintenance mode on a firewall (the adapter runs pfSsh.php playback enable/disablecarpmaint).</summary>
internal interface IMaintenanceSwitch
{
    Task SetMaintenanceAsync(string firewall, bool enable, CancellationToken cancellationToken);
}

/// <summary>A firewall VM's power through the Proxmox API; each call returns once the PVE task ended.</summary>
internal interface IVmPower
{
    /// <summary>The VM's description for messages, e.g. "VM 101 (fw1) on pve1".</summary>
    string Describe(string firewall);

    /// <summary>A hard stop (not a shutdown).</summary>
    Task StopAsync(string firewall, CancellationToken cancellationToken);

    Task StartAsync(string firewall, CancellationToken cancellationToken);

    Task<bool> IsRunningAsync(string firewall, CancellationToken cancellationToken);
}

/// <summary>pfSense's gateway "mark down" (force_down) on one firewall.</summary>
internal interface IGatewaySwitch
{
    Task SetForceDownAsync(string firewall, string gateway, bool down, CancellationToken cancellationToken);
}

/// <summary>A VM NIC's virtual cable (netN link_down), applied live by Proxmox.</summary>
internal interface IVmLink
{
    /// <summary>e.g. "net1 of VM 101 (fw1)".</summary>
    string Describe(string firewall, int net);

    Task SetLinkDownAsync(string firewall, int net, bool down, CancellationToken cancellationToken);
}
