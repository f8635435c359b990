namespace HaEdge.Lab.Network;

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
    /// <param name="environment">More variables every session gets (the shims find their lab state through them).</param>
    /// <param name="interactiveRc">File an interactive login shell reads last ($ENV of dash): it puts the shims
    /// first again after /etc/profile reset PATH.</param>
    public static string Config(string owner, string listen, string hostKey, string pidFile, string authorizedKeys,
        string shimPath, IEnumerable<(string Name, string Value)> environment, string interactiveRc) => $"""
        # {owner}: sshd of the lab. Key auth only. sshd runs each command as the real system does, with the user's
        # shell (/bin/sh, see the bind-mounted passwd) and `-c`; SetEnv puts the command shims first on PATH with no
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
        SetEnv PATH={shimPath}:/usr/sbin:/usr/bin:/sbin:/bin ENV={interactiveRc} {string.Join(" ", environment.Select(e => $"{e.Name}={e.Value}"))}

        """;

    /// <summary>The interactive shell's rc ($ENV): shims first on PATH.</summary>
    public static string InteractiveRc(string shimPath) => $"PATH={shimPath}:/usr/sbin:/usr/bin:/sbin:/bin\n";

    /// <summary>
    /// The host's user list with root's shell as /bin/sh, as on pfSense and for a quick `sh -c` on PVE. sshd runs
    /// every command through the user's shell, and a host root shell of bash reads ~/.bashrc for ssh commands
    /// (seconds, on a machine with pyenv).
    /// </summary>
    public static string PasswdWithPlainRootShell() => string.Concat(File.ReadAllLines("/etc/passwd")
        .Select(line => line.StartsWith("root:", StringComparison.Ordinal) ? string.Join(":", line.Split(':').Take(6)) + ":/bin/sh" : line)
        .Select(line => line + "\n"));

    /// <summary>sshd in the foreground, seeing <paramref name="passwdFile"/> as /etc/passwd through a private bind mount.</summary>
    public static string[] Command(string passwdFile, string configFile) => new[]
    {
        "unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
        "mount --bind \"$0\" /etc/passwd && exec /usr/sbin/sshd -D -e -f \"$1\"", passwdFile, configFile,
    };
}
