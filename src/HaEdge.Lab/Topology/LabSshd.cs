namespace HaEdge.Lab.Topology;

/// <summary>
/// An OpenSSH sshd inside a lab namespace, as the firewalls and the PVE nodes run it: its own host key, key auth
/// with the lab client key only, and commands run the way the real system runs them, `/bin/sh -c`, with the lab's
/// command shims first on PATH.
/// </summary>
internal static class LabSshd
{
    /// <summary>Creates the host key on first use; it stays for the lab's lifetime, so the pinned fingerprint holds.</summary>
    public static void EnsureHostKey(string keyFile, string comment)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        if (!File.Exists(keyFile))
        {
            Shell.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", keyFile);
        }
    }

    /// <param name="owner">Whose sshd this is (fw1, pve1), for the comment line.</param>
    /// <param name="listen">address:port.</param>
    /// <param name="shimPath">Directory of the command shims, put before the system PATH.</param>
    /// <param name="environment">More variables every session gets: the shims find their lab state through them, and
    /// the shell its start-up file (ENV for dash, BASH_ENV for bash).</param>
    /// <param name="algorithms">Lines restricting key exchange, ciphers and MACs (<see cref="PfSenseAlgorithms"/>).</param>
    public static string Config(string owner, string listen, string hostKey, string pidFile, string authorizedKeys,
        string shimPath, IEnumerable<(string Name, string Value)> environment, string algorithms = "") => $"""
        # {owner}: sshd of the lab. Key auth only. sshd runs each command as the real system does, with the user's
        # shell (see the bind-mounted passwd) and `-c`; SetEnv puts the command shims first on PATH with no
        # wrapper process in between: every process start counts.
        ListenAddress {listen}
        HostKey {hostKey}
        PidFile {pidFile}
        AuthorizedKeysFile {authorizedKeys}
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        PrintMotd no
        PrintLastLog no
        UseDNS no
        LogLevel ERROR
        SetEnv PATH={shimPath}:/usr/sbin:/usr/bin:/sbin:/bin {string.Join(" ", environment.Select(e => $"{e.Name}={e.Value}"))}
        {algorithms}
        """;

    /// <summary>
    /// What pfSense's sshd offers, no more: src/etc/sshd writes these three lists, the same on CE 2.7.0, 2.7.2 and
    /// 2.8.0 (master changed them in 2026-02, 75fd49b0d8). A client that needs anything else fails against pfSense.
    /// </summary>
    public const string PfSenseAlgorithms = """
        KexAlgorithms curve25519-sha256@libssh.org,diffie-hellman-group-exchange-sha256
        Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
        MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512,hmac-sha2-256,umac-128@openssh.com
        """;

    /// <summary>What an interactive login shell reads last (dash's $ENV, bash's ~/.profile): shims first on PATH
    /// again after /etc/profile reset it.</summary>
    public static string InteractiveRc(string shimPath) => $"PATH={shimPath}:/usr/sbin:/usr/bin:/sbin:/bin\n";

    /// <summary>
    /// The host's user list with root's shell and home replaced. sshd runs every command through the user's shell,
    /// and bash as root's shell with the host's home would read root's ~/.bashrc for each ssh command (seconds, on a
    /// machine with pyenv).
    /// </summary>
    /// <param name="admin">pfSense's <c>admin</c> (uid 0, as auth.inc's local_user_set() makes it) with this login
    /// shell and root's home, in place of any host user of that name; none when null.</param>
    public static string PasswdWithRoot(string shell, string? home = null, string? admin = null)
    {
        var lines = File.ReadAllLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .Where(fields => admin == null || fields[0] != "admin")
            .Select(fields => fields[0] == "root" && fields.Length >= 7
                ? string.Join(":", fields.Take(5).Append(home ?? fields[5]).Append(shell))
                : string.Join(":", fields))
            .ToList();
        if (admin != null)
        {
            lines.Add($"admin:x:0:0:System Administrator:{home ?? "/root"}:{admin}");
        }
        return string.Concat(lines.Select(line => line + "\n"));
    }

    /// <summary>sshd in the foreground, seeing <paramref name="passwdFile"/> as /etc/passwd through a private bind mount.</summary>
    public static string[] Command(string passwdFile, string configFile) => new[]
    {
        "unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
        "mount --bind \"$0\" /etc/passwd && exec /usr/sbin/sshd -D -e -f \"$1\"", passwdFile, configFile,
    };
}
