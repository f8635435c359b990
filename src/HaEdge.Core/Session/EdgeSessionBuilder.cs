using System;
using System.Linq;
using HaEdge.Core.Definition;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Session;

/// <summary>Turns a definition plus the secrets the user supplied into an open session.</summary>
internal static class EdgeSessionBuilder
{
    /// <param name="definition">The edge.</param>
    /// <param name="tokenSecret">The Proxmox token secret, or null to read the variable the definition names.</param>
    /// <param name="sshPassword">An SSH password for both firewalls, or null for each firewall's key file or variable.</param>
    /// <param name="sshUser">The SSH user for both firewalls (the user of -SshCredential), or null for each firewall's ssh.user.</param>
    /// <param name="sshPassphrase">The key passphrase, or null for each firewall's passphrase variable.</param>
    /// <param name="trustOnFirstUse">Accept an unpinned (never a changed) host key on this session's first connection.</param>
    /// <param name="connectorFactory">Creates the SSH connector on first use (keeps SSH.NET unloaded until then).</param>
    public static EdgeSession Open(EdgeDefinition definition, Secret? tokenSecret, Secret? sshPassword, string? sshUser, Secret? sshPassphrase,
        bool trustOnFirstUse, Func<ISshConnector> connectorFactory)
    {
        Secret token = tokenSecret ?? Secret.FromEnvironment(definition.Proxmox.TokenSecretVariable)
            ?? throw new HaEdgeException("ProxmoxTokenSecretMissing", FailureKind.InvalidArgument,
                definition.Proxmox.TokenSecretVariable == null
                    ? $"No Proxmox token secret for {definition.Proxmox.TokenId}: pass -Credential, or name an environment variable as proxmox.tokenSecretVariable in '{definition.Path}'."
                    : $"No Proxmox token secret for {definition.Proxmox.TokenId}: the environment variable {definition.Proxmox.TokenSecretVariable} is not set; set it or pass -Credential.",
                definition.Path);

        var options = new ProxmoxClientOptions(definition.Proxmox.Endpoints, definition.Proxmox.TokenId, token.Reveal(),
            definition.Proxmox.CertificatePins, definition.Proxmox.Timeout);
        var targets = definition.Firewalls.Select(f => SshTargetFor(f, sshPassword, sshUser, sshPassphrase, trustOnFirstUse)).ToList();
        return new EdgeSession(definition, () => new ProxmoxClient(options), new SshPool(connectorFactory), targets);
    }

    private static SshTarget SshTargetFor(FirewallDefinition firewall, Secret? password, string? user, Secret? passphrase, bool trustOnFirstUse)
    {
        SshDefinition ssh = firewall.Ssh;
        return new SshTarget(firewall.Name, ssh.Host, ssh.Port, string.IsNullOrEmpty(user) ? ssh.User : user!)
        {
            KeyFile = ssh.KeyFile,
            Passphrase = passphrase ?? Secret.FromEnvironment(ssh.PassphraseVariable),
            Password = password ?? Secret.FromEnvironment(ssh.PasswordVariable),
            PinnedHostKey = ssh.HostKeySha256,
            TrustOnFirstUse = trustOnFirstUse,
        };
    }
}
