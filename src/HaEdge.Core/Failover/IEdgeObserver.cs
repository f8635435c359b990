using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover;

/// <summary>
/// What the failover engine reads from the edge. An implementation reports an unreachable firewall inside the
/// snapshot (Reachable false) rather than throwing: during a hard stop that is the expected answer.
/// </summary>
internal interface IEdgeObserver
{
    /// <summary>Both firewalls' CARP states; polled about every 250 ms during a scenario, so keep it to one exec per firewall.</summary>
    Task<CarpSnapshot> ReadCarpAsync(CancellationToken cancellationToken);

    /// <summary>Everything the gates and the restore check need: CARP, pfsync, gateways, VM placement and power.</summary>
    Task<PreflightSnapshot> ReadPreflightAsync(CancellationToken cancellationToken);

    /// <summary>pfctl's current state entries on <paramref name="firewall"/>; null when it cannot be read.</summary>
    Task<long?> ReadStateCountAsync(string firewall, CancellationToken cancellationToken);

    /// <summary>The gateway <paramref name="firewall"/>'s default route uses now; null when none or unreadable.</summary>
    Task<string?> ReadDefaultGatewayAsync(string firewall, CancellationToken cancellationToken);
}
