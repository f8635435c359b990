using System.Diagnostics;
using System.Text;

namespace HaEdge.Lab.Topology;

/// <summary>Runs the Linux tools the lab is made of. Every call has a timeout so a stuck tool never hangs the lab.</summary>
internal static class Shell
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Set by --verbose: echo each command before it runs.</summary>
    public static bool Verbose { get; set; }

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public bool Ok => ExitCode == 0;
    }

    public static Result Run(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        if (Verbose)
        {
            Console.Error.WriteLine("+ " + file + " " + string.Join(" ", start.ArgumentList));
        }
        using Process process = Process.Start(start) ?? throw new LabException($"cannot start {file}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new LabException($"{file} {string.Join(" ", start.ArgumentList)} did not finish in {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    public static Result Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>Runs and throws a one-line LabException on a non-zero exit.</summary>
    public static string Check(string file, params string[] args)
    {
        Result result = Run(file, args);
        if (!result.Ok)
        {
            string reason = (result.Error + result.Output).Trim().Split('\n')[0];
            throw new LabException($"{file} {string.Join(" ", args)} failed: {reason}");
        }
        return result.Output;
    }

    /// <summary>`ip` in a namespace (null: the namespace of this process).</summary>
    public static string Ip(string? ns, params string[] args) =>
        Check("ip", ns is null ? args : new[] { "-n", ns }.Concat(args).ToArray());

    /// <summary>
    /// Many `ip` commands in one process (`ip -batch`), one per line: on a loaded machine every process start costs
    /// tens of milliseconds, and `up` has to stay well under 20 s.
    /// </summary>
    public static void IpBatch(string? ns, IEnumerable<string> commands)
    {
        string script = string.Join("\n", commands) + "\n";
        string[] args = ns is null ? new[] { "-batch", "-" } : new[] { "-n", ns, "-batch", "-" };
        Result result = Run("ip", args, stdin: script);
        if (!result.Ok)
        {
            string reason = (result.Error + result.Output).Trim().Replace('\n', ' ');
            throw new LabException($"ip {string.Join(" ", args)} failed: {reason}");
        }
    }

    /// <summary>Runs a command inside a namespace and returns its result.</summary>
    public static Result InNamespace(string ns, params string[] command) =>
        Run("ip", new[] { "netns", "exec", ns }.Concat(command));

    public static string CheckInNamespace(string ns, params string[] command) =>
        Check("ip", new[] { "netns", "exec", ns }.Concat(command).ToArray());

    /// <summary>
    /// Starts a long-running process inside a namespace, detached into its own session with its output in a log file,
    /// so it outlives this program and holds none of its pipes.
    /// </summary>
    public static void StartDaemon(string ns, string logFile, params string[] command) =>
        StartDaemons(ns, new[] { (logFile, command) });

    /// <summary>Several daemons in one namespace with one shell.</summary>
    public static void StartDaemons(string ns, IEnumerable<(string LogFile, string[] Command)> daemons)
    {
        string script = string.Join(" && ", daemons.Select(d =>
            "setsid -f ip netns exec " + Quote(ns) + " " + string.Join(" ", d.Command.Select(Quote)) +
            " </dev/null >>" + Quote(d.LogFile) + " 2>&1"));
        Check("/bin/sh", "-c", script);
    }

    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>PIDs of every process whose network namespace is <paramref name="ns"/>.</summary>
    public static IReadOnlyList<int> NamespacePids(string ns)
    {
        Result result = Run("ip", "netns", "pids", ns);
        return result.Ok
            ? result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList()
            : Array.Empty<int>();
    }

    public static IReadOnlyList<string> Namespaces()
    {
        Result result = Run("ip", "netns", "list");
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0]).ToList();
    }

    /// <summary>Kills with SIGKILL: a VM hard stop gives its processes no chance to clean up.</summary>
    public static void Kill(IEnumerable<int> pids)
    {
        foreach (int pid in pids.Where(p => p != Environment.ProcessId))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // already gone
            }
            catch (InvalidOperationException)
            {
                // exited while we looked at it
            }
        }
    }

    public static void WriteFile(string path, string content, UnixFileMode? mode = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".tmp";
        File.WriteAllText(temp, content, new UTF8Encoding(false));
        if (mode is UnixFileMode m)
        {
            File.SetUnixFileMode(temp, m);
        }
        File.Move(temp, path, overwrite: true);
    }

    public const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                            UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                            UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Polls until <paramref name="condition"/> holds or the time is up.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout, int pollMs = 100)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(pollMs);
        }
        return condition();
    }
}
