using System;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;

namespace HaEdge.Core.Runbooks;

/// <summary>
/// Commands on a Proxmox node over the session's SSH pool, for what the API cannot do. Only nodes listed in
/// <c>proxmox.ssh</c>, only with their pinned host key: a node's root login is never trusted on first use.
/// </summary>
internal sealed class PveNodeShell
{
    private readonly EdgeSession session;

    public PveNodeShell(EdgeSession session, TimeSpan timeout)
    {
        this.session = session;
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }

    /// <summary>The node's SSH target, or an error saying what to add to the definition.</summary>
    public static SshTarget TargetFor(EdgeDefinition edge, string node)
    {
        ProxmoxSshDefinition ssh = edge.Proxmox.Ssh
            ?? throw new HaEdgeException("ProxmoxSshNotConfigured", FailureKind.InvalidArgument,
                $"-HaMaintenance needs SSH to {node} (ha-manager node maintenance has no API endpoint): add proxmox.ssh with user, keyFile "
                + $"and nodes.{node}.host and hostKeySha256 to '{edge.Path}'.", node);
        if (!ssh.Nodes.TryGetValue(node, out ProxmoxSshNode? entry))
        {
            throw new HaEdgeException("ProxmoxSshNodeUnknown", FailureKind.InvalidArgument,
                $"proxmox.ssh in '{edge.Path}' has no entry for node {node}; add nodes.{node} with its host and hostKeySha256.", node);
        }

        return new SshTarget(node, entry.Host, ssh.Port, ssh.User)
        {
            Kind = SshTargetKind.ProxmoxNode,
            KeyFile = ssh.KeyFile,
            Passphrase = Secret.FromEnvironment(ssh.PassphraseVariable),
            Password = Secret.FromEnvironment(ssh.PasswordVariable),
            PinnedHostKey = entry.HostKeySha256,
        };
    }

    /// <summary>Runs one command; a non-zero exit status is an error carrying what the node said.</summary>
    public async Task<SshCommandResult> RunAsync(string node, string command, CancellationToken cancellationToken)
    {
        SshTarget target = TargetFor(session.Definition, node);
        SshCommandResult result = await session.Ssh.RunBoundedAsync(target, command, Timeout, limit: null, cancellationToken).ConfigureAwait(false);
        if (result.ExitStatus != 0)
        {
            string said = UntrustedText.ForMessage(result.Error + "\n" + result.Output);
            throw new HaEdgeException("PveCommandFailed", FailureKind.InvalidOperation,
                $"{node}: '{command}' failed (exit status {result.ExitStatus}){(said.Length > 0 ? ": " + said : "")}", node);
        }

        return result;
    }
}
