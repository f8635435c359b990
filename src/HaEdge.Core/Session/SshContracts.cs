using System;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Session;

/// <summary>Opens SSH connections. The SSH.NET implementation lives in HaEdge.Ssh, loaded in its own context.</summary>
internal interface ISshConnector
{
    Task<ISshConnection> ConnectAsync(SshTarget target, CancellationToken cancellationToken);
}

/// <summary>One authenticated SSH connection; commands run in parallel on separate exec channels.</summary>
internal interface ISshConnection : IDisposable
{
    /// <summary>The server's host key as OpenSSH prints it (<c>SHA256:...</c>).</summary>
    string HostKeySha256 { get; }

    bool IsConnected { get; }

    /// <summary>
    /// Runs one command on the exec channel; a command that outlives the timeout is abandoned. A connection that
    /// fails under the command throws <see cref="SshErrors.ConnectionLost"/>.
    /// </summary>
    Task<SshCommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Error ids the transport gives that its callers act on.</summary>
internal static class SshErrors
{
    /// <summary>The connection failed under a command (the far end restarted, a reset): whether the command ran is unknown.</summary>
    public const string ConnectionLost = "SshConnectionLost";
}

/// <summary>What an SSH target is: the same name may not stand for a firewall and a Proxmox node at once.</summary>
internal enum SshTargetKind
{
    Firewall,
    ProxmoxNode,
}

/// <summary>Where and how to connect. Secrets are held as <see cref="Secret"/> and never print.</summary>
internal sealed class SshTarget
{
    public SshTarget(string name, string host, int port, string user)
    {
        Name = name;
        Host = host;
        Port = port;
        User = user;
    }

    /// <summary>The firewall or node name, used as the target of every error.</summary>
    public string Name { get; }

    public SshTargetKind Kind { get; set; } = SshTargetKind.Firewall;

    public string Host { get; }

    public int Port { get; }

    public string User { get; }

    public string? KeyFile { get; set; }

    public Secret? Passphrase { get; set; }

    public Secret? Password { get; set; }

    /// <summary>Pinned host key; null means unknown.</summary>
    public string? PinnedHostKey { get; set; }

    /// <summary>Accept an unknown (never a changed) host key, once, so the user can pin it.</summary>
    public bool TrustOnFirstUse { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one command may run before it counts as hung.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public override string ToString() => $"{User}@{Host}:{Port}";

    /// <summary>
    /// Everything that makes this the same peer: kind, name, host, port, user and pinned key. The pool shares a
    /// connection only between targets with one identity, so a name never reaches another host's connection.
    /// </summary>
    public string Identity => string.Join("|", Kind, Name, Host, Port, User, PinnedHostKey ?? "(unpinned)");

    /// <summary>This target held to <paramref name="hostKey"/>: no longer trusting on first use.</summary>
    public SshTarget PinnedTo(string hostKey) => new SshTarget(Name, Host, Port, User)
    {
        Kind = Kind,
        KeyFile = KeyFile,
        Passphrase = Passphrase,
        Password = Password,
        PinnedHostKey = hostKey,
        TrustOnFirstUse = false,
        ConnectTimeout = ConnectTimeout,
        CommandTimeout = CommandTimeout,
    };
}

internal sealed class SshCommandResult
{
    public SshCommandResult(string command, int exitStatus, string output, string error, TimeSpan elapsed)
    {
        Command = command;
        ExitStatus = exitStatus;
        Output = output;
        Error = error;
        Elapsed = elapsed;
    }

    public string Command { get; }

    public int ExitStatus { get; }

    public string Output { get; }

    public string Error { get; }

    public TimeSpan Elapsed { get; }
}

internal enum HostKeyDecision
{
    Accept,
    AcceptFirstUse,
    RejectUnknown,
    RejectChanged,
}

/// <summary>The host key trust rule, kept pure so it is tested apart from any SSH library.</summary>
internal static class HostKeyPolicy
{
    public static HostKeyDecision Decide(string? pinned, string presented, bool trustOnFirstUse)
    {
        if (pinned == null)
        {
            return trustOnFirstUse ? HostKeyDecision.AcceptFirstUse : HostKeyDecision.RejectUnknown;
        }

        return string.Equals(Normalize(pinned), Normalize(presented), StringComparison.Ordinal)
            ? HostKeyDecision.Accept
            : HostKeyDecision.RejectChanged;
    }

    /// <summary>OpenSSH form: <c>SHA256:</c> and base64 without padding.</summary>
    public static string Normalize(string fingerprint)
    {
        string body = fingerprint.StartsWith("SHA256:", StringComparison.Ordinal) ? fingerprint.Substring(7) : fingerprint;
        return "SHA256:" + body.TrimEnd('=');
    }

    public static HaEdgeException ToError(HostKeyDecision decision, SshTarget target, string presented) => decision switch
    {
        HostKeyDecision.RejectUnknown => new HaEdgeException("SshHostKeyUnknown", FailureKind.SecurityError,
            $"{target.Name} ({target}) presented host key {Normalize(presented)}, which is not pinned. Verify it on the firewall's console "
            + "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then pin it as ssh.hostKeySha256 in the edge definition, "
            + "or connect once with -TrustOnFirstUse.", target.Name),
        HostKeyDecision.RejectChanged => new HaEdgeException("SshHostKeyMismatch", FailureKind.SecurityError,
            $"{target.Name} ({target}) presented host key {Normalize(presented)}, but {target.PinnedHostKey} is pinned. "
            + "The connection was refused: the host key changed or someone is in the path.", target.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };
}
