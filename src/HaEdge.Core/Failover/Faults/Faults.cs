using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover.Faults;

/// <summary>Maintenance: persistent CARP maintenance mode on the MASTER; undo leaves it.</summary>
internal sealed class MaintenanceFault : IFaultInjector
{
    private readonly IMaintenanceSwitch maintenance;

    public MaintenanceFault(IMaintenanceSwitch maintenance)
    {
        this.maintenance = maintenance;
    }

    public ExpectedFailover Expected => ExpectedFailover.CarpMoves;

    public IReadOnlyList<string> DescribeFault(FaultTarget target) => new[] { $"Enter CARP maintenance mode on {target.Master}" };

    public IReadOnlyList<string> DescribeUndo(FaultTarget target) => new[] { $"Leave CARP maintenance mode on {target.Master}" };

    public Task InjectAsync(FaultTarget target, CancellationToken cancellationToken) => maintenance.SetMaintenanceAsync(target.Master, true, cancellationToken);

    public Task UndoAsync(FaultTarget target, CancellationToken cancellationToken) => maintenance.SetMaintenanceAsync(target.Master, false, cancellationToken);
}

/// <summary>HardStop: the MASTER's VM is stopped hard through Proxmox; undo starts it again (the runner then watches it rejoin).</summary>
internal sealed class HardStopFault : IFaultInjector
{
    private readonly IVmPower power;

    public HardStopFault(IVmPower power)
    {
        this.power = power;
    }

    public ExpectedFailover Expected => ExpectedFailover.CarpMoves;

    public IReadOnlyList<string> DescribeFault(FaultTarget target) => new[] { $"Hard-stop {power.Describe(target.Master)} through the Proxmox API" };

    public IReadOnlyList<string> DescribeUndo(FaultTarget target) => new[] { $"Start {power.Describe(target.Master)} and wait until it rejoins CARP" };

    public Task InjectAsync(FaultTarget target, CancellationToken cancellationToken) => power.StopAsync(target.Master, cancellationToken);

    public async Task UndoAsync(FaultTarget target, CancellationToken cancellationToken)
    {
        // Idempotent: the stop may never have happened, or a previous undo may have started it already.
        if (!await power.IsRunningAsync(target.Master, cancellationToken).ConfigureAwait(false))
        {
            await power.StartAsync(target.Master, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>How the primary WAN is made to fail, and restored.</summary>
internal interface IWanPull
{
    WanPullMethod Method { get; }

    string DescribePull(FaultTarget target);

    string DescribeRestore(FaultTarget target);

    Task PullAsync(FaultTarget target, CancellationToken cancellationToken);

    Task RestoreAsync(FaultTarget target, CancellationToken cancellationToken);
}

/// <summary>
/// WanPull: the primary WAN fails. With gateway force-down or a user action CARP must stay and the default route
/// must move to the next tier; with link_down pfSense's ifdown demotion moves the VIPs instead.
/// </summary>
internal sealed class WanPullFault : IFaultInjector
{
    private readonly IWanPull pull;

    public WanPullFault(IWanPull pull)
    {
        this.pull = pull;
    }

    public WanPullMethod Method => pull.Method;

    public ExpectedFailover Expected => pull.Method == WanPullMethod.LinkDown ? ExpectedFailover.CarpMoves : ExpectedFailover.RouteMoves;

    public IReadOnlyList<string> DescribeFault(FaultTarget target) => new[] { pull.DescribePull(target) };

    public IReadOnlyList<string> DescribeUndo(FaultTarget target) => new[] { pull.DescribeRestore(target) };

    public Task InjectAsync(FaultTarget target, CancellationToken cancellationToken) => pull.PullAsync(target, cancellationToken);

    public Task UndoAsync(FaultTarget target, CancellationToken cancellationToken) => pull.RestoreAsync(target, cancellationToken);
}

/// <summary>
/// pfSense's gateway force-down on every given firewall: a dead upstream is dead for whichever node forwards, so
/// both are marked (the gateway names are the same on both: config sync).
/// </summary>
internal sealed class GatewayForceDownPull : IWanPull
{
    private readonly IGatewaySwitch gateways;
    private readonly IReadOnlyList<string> firewalls;
    private readonly string? gateway;

    /// <param name="gateway">The gateway to mark down; null for the MASTER's default gateway before the fault.</param>
    public GatewayForceDownPull(IGatewaySwitch gateways, IReadOnlyList<string> firewalls, string? gateway)
    {
        this.gateways = gateways;
        this.firewalls = firewalls;
        this.gateway = gateway;
    }

    public WanPullMethod Method => WanPullMethod.GatewayForceDown;

    public string DescribePull(FaultTarget target) => $"Mark gateway {GatewayName(target)} down (force_down) on {string.Join(" and ", firewalls)}";

    public string DescribeRestore(FaultTarget target) => $"Clear force_down of gateway {GatewayName(target)} on {string.Join(" and ", firewalls)}";

    public async Task PullAsync(FaultTarget target, CancellationToken cancellationToken)
    {
        var name = Resolve(target);
        foreach (var firewall in firewalls)
        {
            await gateways.SetForceDownAsync(firewall, name, true, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task RestoreAsync(FaultTarget target, CancellationToken cancellationToken)
    {
        var name = Resolve(target);
        return FaultSteps.RunAllAsync(firewalls.Select(f => (Func<Task>)(() => gateways.SetForceDownAsync(f, name, false, cancellationToken))));
    }

    private string GatewayName(FaultTarget target) => gateway ?? target.WanGateway ?? $"(the default gateway of {target.Master})";

    private string Resolve(FaultTarget target) => gateway ?? target.WanGateway
        ?? throw new HaEdgeException("FailoverNoWanGateway", FailureKind.InvalidOperation,
            $"WanPull by gateway force-down needs a gateway: {target.Master} has no default route to take it from; name it explicitly.", target.Master);
}

/// <summary>The user's own pull and restore (a smart plug on the ONT, a lab fault command).</summary>
internal sealed class UserActionPull : IWanPull
{
    private readonly Func<CancellationToken, Task> pull;
    private readonly Func<CancellationToken, Task> restore;
    private readonly string description;

    /// <param name="description">What the action does, e.g. "power off the fibre ONT".</param>
    public UserActionPull(Func<CancellationToken, Task> pull, Func<CancellationToken, Task> restore, string description)
    {
        this.pull = pull;
        this.restore = restore;
        this.description = description;
    }

    public WanPullMethod Method => WanPullMethod.UserAction;

    public string DescribePull(FaultTarget target) => $"Run the user's WAN pull: {description}";

    public string DescribeRestore(FaultTarget target) => $"Run the user's WAN restore: {description}";

    public Task PullAsync(FaultTarget target, CancellationToken cancellationToken) => pull(cancellationToken);

    public Task RestoreAsync(FaultTarget target, CancellationToken cancellationToken) => restore(cancellationToken);
}

/// <summary>link_down=1 on the MASTER's WAN NIC: a cable pull at the VM.</summary>
internal sealed class LinkDownPull : IWanPull
{
    private readonly IVmLink link;
    private readonly int net;

    public LinkDownPull(IVmLink link, int net)
    {
        this.link = link;
        this.net = net;
    }

    public WanPullMethod Method => WanPullMethod.LinkDown;

    public string DescribePull(FaultTarget target) => $"Pull the virtual cable (link_down=1) of {link.Describe(target.Master, net)}";

    public string DescribeRestore(FaultTarget target) => $"Plug the virtual cable back (link_down=0) of {link.Describe(target.Master, net)}";

    public Task PullAsync(FaultTarget target, CancellationToken cancellationToken) => link.SetLinkDownAsync(target.Master, net, true, cancellationToken);

    public Task RestoreAsync(FaultTarget target, CancellationToken cancellationToken) => link.SetLinkDownAsync(target.Master, net, false, cancellationToken);
}

/// <summary>Combined: the WAN pull, then the hard stop of the MASTER; undone in reverse order, each undo attempted.</summary>
internal sealed class CombinedFault : IFaultInjector
{
    private readonly IFaultInjector wanPull;
    private readonly IFaultInjector hardStop;

    public CombinedFault(IFaultInjector wanPull, IFaultInjector hardStop)
    {
        this.wanPull = wanPull;
        this.hardStop = hardStop;
    }

    /// <summary>The VIPs move (hard stop); the new MASTER must also avoid the pulled WAN when the pull hits the whole edge.</summary>
    public ExpectedFailover Expected => ExpectedFailover.CarpMoves | (wanPull.Expected & ExpectedFailover.RouteMoves);

    public IReadOnlyList<string> DescribeFault(FaultTarget target) => wanPull.DescribeFault(target).Concat(hardStop.DescribeFault(target)).ToList();

    public IReadOnlyList<string> DescribeUndo(FaultTarget target) => hardStop.DescribeUndo(target).Concat(wanPull.DescribeUndo(target)).ToList();

    public async Task InjectAsync(FaultTarget target, CancellationToken cancellationToken)
    {
        await wanPull.InjectAsync(target, cancellationToken).ConfigureAwait(false);
        await hardStop.InjectAsync(target, cancellationToken).ConfigureAwait(false);
    }

    public Task UndoAsync(FaultTarget target, CancellationToken cancellationToken) => FaultSteps.RunAllAsync(new Func<Task>[]
    {
        () => hardStop.UndoAsync(target, cancellationToken),
        () => wanPull.UndoAsync(target, cancellationToken),
    });
}

internal static class FaultSteps
{
    /// <summary>Runs every step even when one fails (an undo must not stop half way), then reports every failure.</summary>
    public static async Task RunAllAsync(IEnumerable<Func<Task>> steps)
    {
        var failures = new List<Exception>();
        foreach (var step in steps)
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        if (failures.Count == 1) ExceptionDispatchInfo.Capture(failures[0]).Throw();
        if (failures.Count > 1)
        {
            throw new HaEdgeException("FailoverUndoFailed", FailureKind.InvalidOperation,
                string.Join(" ", failures.Select(f => f.Message)), null, new AggregateException(failures));
        }
    }
}
