using System.Diagnostics;
using System.Text.Json;
using HaEdge.Lab.Topology;

namespace HaEdge.Lab.Host;

/// <summary>The lab's lifecycle verbs: up, down, and the checks that refuse to start on a machine that cannot run it.</summary>
internal static class LabCommands
{
    private static readonly string[] RequiredTools =
    {
        "ip", "bridge", "keepalived", "conntrackd", "conntrack", "sshd", "ssh-keygen", "iptables", "iptables-restore",
        "socat", "ping", "nft", "setsid", "flock", "awk", "sysctl", "sed",
    };

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(18);

    /// <summary>One clear refusal instead of a hang or a half-built lab.</summary>
    public static void Preflight()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new LabException("the rehearsal lab needs Linux (network namespaces, bridges, keepalived)");
        }
        if (!Environment.IsPrivilegedProcess)
        {
            throw new LabException("the rehearsal lab must run as root (it creates network namespaces)");
        }
        string[] missing = RequiredTools.Where(tool => FindTool(tool) is null).ToArray();
        if (missing.Length > 0)
        {
            throw new LabException($"missing {string.Join(", ", missing)}: run scripts/lab-packages.sh as root");
        }
    }

    private static string? FindTool(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") + ":/usr/sbin:/sbin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>How a child process runs this program again: the apphost, or dotnet plus the dll.</summary>
    public static IReadOnlyList<string> Launcher()
    {
        string process = Environment.ProcessPath ?? throw new LabException("cannot tell this program's own path");
        string dll = Path.Combine(AppContext.BaseDirectory, "haedge-lab.dll");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? new[] { process, dll } : new[] { process };
    }

    public static bool IsUp(LabPaths paths)
    {
        IReadOnlyList<string> namespaces = Shell.Namespaces();
        return File.Exists(paths.LabFile) && File.Exists(paths.EdgeDefinition) && LabLayout.AllNamespaces.All(namespaces.Contains);
    }

    public static void Up(LabPaths paths, LabProfile profile)
    {
        Preflight();
        using IDisposable exclusive = LockLab(paths);
        if (IsUp(paths))
        {
            if (LabNetwork.Load(paths.StateDir).Profile == profile)
            {
                Console.WriteLine("lab already up");
                Console.Write(LabStatusReport.Read(paths).ToText());
                return;
            }
            Console.WriteLine($"lab up with another profile: rebuilding it as {profile.Name}");
        }
        var clock = Stopwatch.StartNew();
        if (Shell.Namespaces().Any(n => n.StartsWith(LabLayout.Prefix, StringComparison.Ordinal)) || Directory.Exists(paths.StateDir))
        {
            TearDown(paths, quiet: true); // a crashed or half-finished lab: start clean
        }
        try
        {
            Build(paths, profile);
        }
        catch
        {
            Console.Error.WriteLine("haedge-lab: up failed; taking down what was built");
            TearDown(paths, quiet: true);
            throw;
        }
        Console.WriteLine($"lab up in {clock.Elapsed.TotalSeconds:0.0} s");
        Console.Write(LabStatusReport.Read(paths).ToText());
        Console.WriteLine($"  ssh: ip netns exec {LabLayout.AdminNamespace} ssh -i {paths.ClientKey} -o UserKnownHostsFile={paths.KnownHosts} root@{LabLayout.Firewalls[0].Address(LabLayout.Lan)} ifconfig");
        Console.WriteLine($"  secrets: {paths.EnvFile}");
    }

    private static void Build(LabPaths paths, LabProfile profile)
    {
        IReadOnlyList<string> launcher = Launcher();
        Directory.CreateDirectory(paths.StateDir);
        Directory.CreateDirectory(paths.Logs);
        InstallShims(paths);
        CreateClientKey(paths);
        Shell.WriteFile(paths.LabFile, JsonSerializer.Serialize(new LabState(paths.StateDir, launcher, DateTimeOffset.UtcNow, profile.Name)));

        LabTopology.Build(paths);
        LabSimulators.StartPve(paths, launcher, profile); // first: a .NET server takes longest to start
        LabSimulators.StartPveSsh(paths);
        var lab = LabNetwork.Create(paths, launcher, profile);
        foreach (LabFirewall fw in LabLayout.Firewalls)
        {
            FirewallVm vm = lab.Vm(fw);
            vm.WriteConfig(labBoot: true);
            vm.Provision();
        }
        foreach (LabFirewall fw in LabLayout.Firewalls)
        {
            lab.Vm(fw).Start(labBoot: true);
        }
        WaitReady(paths);
        Shell.WriteFile(paths.KnownHosts, string.Concat(LabLayout.Firewalls.Select(fw => (fw.Address(LabLayout.Lan), paths.HostKey(fw)))
            .Concat(LabLayout.Nodes.Select(n => (n.ManagementAddress, paths.NodeHostKey(n))))
            .Select(host => $"{host.Item1} {string.Join(' ', File.ReadAllText(host.Item2 + ".pub").Split(' ').Take(2))}\n")));
        EdgeDefinitionWriter.Write(paths, LabSimulators.PveCredentials(paths), LabSimulators.XmlRpcCredentials(paths));
        EdgeDefinitionWriter.WritePveSsh(paths);
    }

    /// <summary>Ready = fw1 holds every VIP and fw2 none, sshd and the PVE simulator answer from the admin
    /// workstation, and the internet is reachable through the VIP. Polled cheaply: few processes per round.</summary>
    private static void WaitReady(LabPaths paths)
    {
        string waitingFor = "VRRP election";
        var probes = LabLayout.Firewalls.Select(fw => $"exec 3<>/dev/tcp/{fw.Address(LabLayout.Lan)}/22 && exec 3>&-")
            .Concat(LabLayout.Nodes.Select(n => $"exec 3<>/dev/tcp/{n.ManagementAddress}/{LabSimulators.PvePort} && exec 3>&-"))
            .Concat(LabLayout.Nodes.Select(n => $"exec 3<>/dev/tcp/{n.ManagementAddress}/22 && exec 3>&-"))
            .Concat(LabLayout.Firewalls.Select(fw => $"exec 3<>/dev/tcp/{fw.Address(LabLayout.Lan)}/{LabSimulators.XmlRpcPort} && exec 3>&-"))
            .Append($"ping -n -q -c1 -W1 {LabLayout.InternetTarget} >/dev/null");
        string reachability = string.Join(" && ", probes);
        bool ready = Shell.WaitUntil(() =>
        {
            if (HeldVips(LabLayout.Firewalls[0]).Count != LabLayout.CarpSegments.Count() || HeldVips(LabLayout.Firewalls[1]).Count != 0)
            {
                return false;
            }
            waitingFor = "sshd, the PVE and XMLRPC simulators and a ping to the internet from the admin workstation";
            return LabSimulators.PveFilesReady(paths) && LabSimulators.XmlRpcFilesReady(paths) &&
                   Shell.InNamespace(LabLayout.AdminNamespace, "timeout", "2", "bash", "-c", reachability).Ok;
        }, ReadyTimeout, 100);
        if (!ready)
        {
            throw new LabException($"lab not ready after {ReadyTimeout.TotalSeconds:0} s: waiting for {waitingFor} (logs in {paths.Logs})");
        }
    }

    /// <summary>The VIPs a firewall holds right now (on its VRRP macvlans).</summary>
    public static IReadOnlyList<string> HeldVips(LabFirewall firewall)
    {
        string[] lines = Shell.Run("ip", "-n", firewall.Namespace, "-o", "-4", "addr", "show").Output.Split('\n');
        return LabLayout.CarpSegments
            .Where(s => lines.Any(l => l.Contains($" {s.VipInterface} ", StringComparison.Ordinal) && l.Contains($" {s.Vip}/", StringComparison.Ordinal)))
            .Select(s => s.Vip!).ToList();
    }

    private static void InstallShims(LabPaths paths)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "shims");
        if (!Directory.Exists(source))
        {
            throw new LabException($"the pfSense command shims are missing beside the program ({source})");
        }
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(paths.StateDir, "shims", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            File.SetUnixFileMode(target, Shell.Executable);
        }
    }

    private static void CreateClientKey(LabPaths paths)
    {
        Directory.CreateDirectory(paths.Keys);
        Shell.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "haedge-lab-admin", "-f", paths.ClientKey);
        Shell.WriteFile(paths.AuthorizedKeys, File.ReadAllText(paths.ClientKey + ".pub"), Shell.Private);
    }

    /// <summary>
    /// Removes everything with the lab prefix, whatever state it is in: processes in the lab namespaces (and any
    /// left running from the state dir), the namespaces with all their links, host links, the state dir.
    /// </summary>
    public static void Down(LabPaths paths)
    {
        Preflight();
        using IDisposable exclusive = LockLab(paths);
        TearDown(paths, quiet: false);
    }

    /// <summary>
    /// One `up` or `down` at a time on this machine: an flock on a file beside the state dir (down deletes the dir).
    /// The holder names itself in a second file, as the locked one cannot be read while held (.NET locks on open).
    /// </summary>
    private static IDisposable LockLab(LabPaths paths)
    {
        string lockFile = paths.StateDir + ".lock", ownerFile = paths.StateDir + ".lock.owner";
        FileStream held;
        try
        {
            // FileShare.None is an flock(LOCK_EX | LOCK_NB) on Linux; the kernel drops it when the holder exits.
            held = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string owner = File.Exists(ownerFile) ? File.ReadAllText(ownerFile).Trim() : "";
            throw new LabException($"the lab is in use by another process{(owner.Length > 0 ? $" ({owner})" : "")}: " +
                "it is being brought up or taken down; wait until it has finished");
        }
        File.WriteAllText(ownerFile, $"pid {Environment.ProcessId}: haedge-lab {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n");
        return held;
    }

    private static void TearDown(LabPaths paths, bool quiet)
    {
        List<string> namespaces = Shell.Namespaces().Where(n => n.StartsWith(LabLayout.Prefix, StringComparison.Ordinal)).ToList();
        foreach (string ns in namespaces)
        {
            Shell.Kill(Shell.NamespacePids(ns));
        }
        Shell.Kill(ProcessesUsing(paths.StateDir));
        foreach (string ns in namespaces)
        {
            Shell.Run("ip", "netns", "del", ns);
        }
        foreach (string link in HostLinks())
        {
            Shell.Run("ip", "link", "del", link);
        }
        Shell.WaitUntil(() => ProcessesUsing(paths.StateDir).Count == 0, TimeSpan.FromSeconds(3), 50);
        if (Directory.Exists(paths.StateDir))
        {
            Directory.Delete(paths.StateDir, recursive: true);
        }
        List<string> left = Shell.Namespaces().Where(n => n.StartsWith(LabLayout.Prefix, StringComparison.Ordinal)).Concat(HostLinks()).ToList();
        if (left.Count > 0)
        {
            throw new LabException($"down left {string.Join(", ", left)} behind");
        }
        if (!quiet)
        {
            Console.WriteLine($"lab down: removed {namespaces.Count} namespaces and {paths.StateDir}");
        }
    }

    private static IEnumerable<string> HostLinks() =>
        Shell.Run("ip", "-o", "link", "show").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':')[1].Trim().Split('@')[0])
            .Where(name => name.StartsWith(LabLayout.Prefix, StringComparison.Ordinal)).ToList();

    /// <summary>Lab daemons still running from the state dir (e.g. left by a crash), never this program or its callers.</summary>
    public static IReadOnlyList<int> ProcessesUsing(string stateDir)
    {
        string[] daemons = { "keepalived", "conntrackd", "sshd", "gwmon", "socat", "http-download", "serve-pve", "serve-xmlrpc" };
        HashSet<int> ancestors = Ancestors();
        var pids = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || ancestors.Contains(pid))
            {
                continue;
            }
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(stateDir + "/", StringComparison.Ordinal) && daemons.Any(d => cmdline.Contains(d, StringComparison.Ordinal)))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // the process ended while we read it
            }
            catch (UnauthorizedAccessException)
            {
                // not ours to read
            }
        }
        return pids;
    }

    private static HashSet<int> Ancestors()
    {
        var chain = new HashSet<int>();
        int pid = Environment.ProcessId;
        while (pid > 1 && chain.Add(pid))
        {
            string? ppid = File.Exists($"/proc/{pid}/status")
                ? File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))
                : null;
            pid = ppid is null ? 0 : int.Parse(ppid[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return chain;
    }
}
