using System;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;
using HaEdge.Core.Session;

namespace HaEdge.Core.Failover.Adapters;

/// <summary>
/// Who runs a failover test and against which versions, for its results and report. The pfSense release is the
/// one FirewallShell already reads once per SSH connection (/etc/version, to choose the creator-id command): read
/// here before the first scenario, the preflight's pfsync read then reuses it, so the run costs no extra SSH
/// command. Proxmox VE's version is one GET /version, once per run, beside it.
/// </summary>
internal static class SessionRunInfo
{
    public static async Task<FailoverRunInfo> ReadAsync(EdgeSession session, string? user, string? host, string? moduleVersion, TimeSpan sshTimeout,
        CancellationToken cancellationToken)
    {
        var shell = new FirewallShell(session, sshTimeout);
        var (primary, secondary) = (session.Definition.Primary, session.Definition.Secondary);
        var primaryRelease = ReleaseAsync(shell, primary, cancellationToken);
        var secondaryRelease = ReleaseAsync(shell, secondary, cancellationToken);
        var proxmox = ProxmoxVersionAsync(session, cancellationToken);
        await Task.WhenAll(primaryRelease, secondaryRelease, proxmox).ConfigureAwait(false);
        return new FailoverRunInfo
        {
            Edge = session.Name,
            User = user,
            Host = host,
            ModuleVersion = moduleVersion,
            Primary = primary.Name,
            PrimaryRelease = primaryRelease.Result,
            Secondary = secondary.Name,
            SecondaryRelease = secondaryRelease.Result,
            ProxmoxVersion = proxmox.Result,
        };
    }

    /// <summary>An unreadable version is recorded as unknown: it must not stop the test (the preflight judges the edge).</summary>
    private static async Task<string?> ReleaseAsync(FirewallShell shell, FirewallDefinition firewall, CancellationToken cancellationToken)
    {
        try
        {
            return (await shell.ReleaseAsync(firewall, cancellationToken).ConfigureAwait(false))?.Text;
        }
        catch (HaEdgeException)
        {
            return null;
        }
    }

    private static async Task<string?> ProxmoxVersionAsync(EdgeSession session, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Proxmox.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException)
        {
            return null;
        }
    }
}
