using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Session;

namespace HaEdge.Core.Inventory;

/// <summary>Checks every management plane of an edge at once: the Proxmox API and SSH to each firewall.</summary>
internal static class ConnectionTester
{
    public static async Task<IReadOnlyList<ConnectionCheck>> CheckAsync(EdgeSession session, bool proxmox, bool ssh, CancellationToken cancellationToken)
    {
        var checks = new List<Task<ConnectionCheck>>();
        if (proxmox)
        {
            checks.Add(CheckProxmoxAsync(session, cancellationToken));
        }

        if (ssh)
        {
            checks.AddRange(session.Definition.Firewalls.Select(f => CheckSshAsync(session, f, cancellationToken)));
        }

        return await Task.WhenAll(checks).ConfigureAwait(false);
    }

    private static async Task<ConnectionCheck> CheckProxmoxAsync(EdgeSession session, CancellationToken cancellationToken)
    {
        var check = new ConnectionCheck { Edge = session.Name, Plane = ConnectionPlane.Proxmox, Target = string.Join(", ", session.ProxmoxEndpoints.Select(e => e.Authority)) };
        var watch = Stopwatch.StartNew();
        try
        {
            ClusterStatus status = await session.Proxmox.GetClusterStatusAsync(cancellationToken).ConfigureAwait(false);
            return check with { Reachable = true, Latency = watch.Elapsed, Detail = status.ClusterName ?? "standalone node" };
        }
        catch (HaEdgeException e)
        {
            return check with { ErrorId = e.ErrorId, Error = e.Message };
        }
    }

    private static async Task<ConnectionCheck> CheckSshAsync(EdgeSession session, FirewallDefinition firewall, CancellationToken cancellationToken)
    {
        SshTarget target = session.SshTargetOf(firewall);
        var check = new ConnectionCheck { Edge = session.Name, Plane = ConnectionPlane.Ssh, Target = firewall.Name, Detail = target.ToString() };
        var watch = Stopwatch.StartNew();
        try
        {
            ISshConnection connection = await session.Ssh.GetAsync(target, cancellationToken).ConfigureAwait(false);
            // One exec round trip proves the session can run commands, not only that it logged in.
            await connection.RunAsync("true", target.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return check with { Reachable = true, Latency = watch.Elapsed, HostKey = connection.HostKeySha256 };
        }
        catch (HaEdgeException e)
        {
            return check with { ErrorId = e.ErrorId, Error = e.Message };
        }
    }
}
