using System.Diagnostics;
using System.Runtime.InteropServices;
using HaEdge.Lab.Simulators.PfSense;
using HaEdge.Lab.Simulators.Pve;
using HaEdge.Lab.Topology;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace HaEdge.Lab.Host;

/// <summary>
/// haedge-lab: the rehearsal lab. Lifecycle and fault verbs for people and tests, serve-* verbs that `up` starts
/// inside the lab's namespaces.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: haedge-lab <verb> [--state-dir DIR] [--verbose]
          up [--profile NAME]              build the lab (idempotent) and write <state>/edge.json; profiles:
                                           default (pfSense CE 2.7.2, PVE 9), pfsense-2.7.0, pfsense-2.8, pve-8
          down                             remove every namespace, link, process and file of the lab
          status [--json]                  what the lab looks like now
          fault <name> [target...]         inject a fault; heal <name> [target...] undoes it
                                           hard-stop fw1 | link-down fw1 net1 | fibre-dead | sync-cut |
                                           mac-filter fw1 [netN] | vlan-asymmetry [pve2] | fixed-default-gateway
          exec <namespace> -- <cmd...>     run a command in a lab namespace (admin, fw1, pve1, inet, ...)
          reach --from PREFIX [--block N]  make this instance's edge reachable from instance PREFIX's admin namespace
                                           at 198.18.N.0/24 (N default 1); writes <state>/edge-from-PREFIX.json
          serve-pve --node pve1 --listen <ip>:8006 --state-dir DIR [--profile NAME]   (started by up; port 0: any)
          serve-xmlrpc --firewall fw1 --listen <ip>:443 --state-dir DIR [--sync-target IP] [--profile NAME]
          sync-config --firewall fw1 --state-dir DIR [--peer-port N] [--profile NAME]   (rc.filter_synchronize)
          carp-maintenance --mode on|off --firewall fw1 --state-dir DIR [--profile NAME]  (its write_config and sync)
        """;

    private static readonly Dictionary<string, Func<string[], Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["up"] = args => Lab(args, paths => LabCommands.Up(paths, LabProfile.FromArguments(args))),
        ["down"] = args => Lab(args, paths => LabCommands.Down(paths)),
        ["status"] = args => Lab(args, paths =>
        {
            LabCommands.Preflight();
            LabStatusReport report = LabStatusReport.Read(paths);
            Console.Write(args.Contains("--json") ? report.ToJson() + "\n" : report.ToText());
        }),
        ["fault"] = args => Fault(args, inject: true),
        ["heal"] = args => Fault(args, inject: false),
        ["exec"] = Exec,
        ["reach"] = args => Lab(args, paths =>
        {
            LabCommands.Preflight();
            if (!LabCommands.IsUp(paths))
            {
                throw new LabException("the lab is not up (run haedge-lab up)");
            }
            string block = OptionValue(args, "--block") ?? "1";
            LabReach.Run(paths, OptionValue(args, "--from") ?? throw new LabException("reach from which lab instance? --from PREFIX (e.g. hel-)"),
                int.TryParse(block, out int number) ? number : throw new LabException($"--block '{block}' is not a number"));
        }),
        ["serve-pve"] = args => Serve(stop => PveSimulator.RunAsync(args,
            args.Contains("--fake-vms") ? null : LabNetwork.Load(StateDirOf(args)), stop)),
        // The host behind serve-xmlrpc stops itself on SIGTERM/Ctrl+C; sync-config is one run.
        ["serve-xmlrpc"] = args => XmlRpcServer.RunAsync(args, CancellationToken.None),
        ["sync-config"] = args => SimConfigSync.RunAsync(args, CancellationToken.None),
        ["carp-maintenance"] = args => SimConfigSync.MaintenanceAsync(args, CancellationToken.None),
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || !Verbs.TryGetValue(args[0], out Func<string[], Task<int>>? verb))
        {
            Console.Error.Write(Usage);
            return 2;
        }
        try
        {
            return await verb(args[1..]).ConfigureAwait(false);
        }
        catch (LabException refusal)
        {
            Console.Error.WriteLine($"haedge-lab {args[0]}: {refusal.Message}");
            return 1;
        }
    }

    /// <summary>Splits off --state-dir and --verbose, checks the machine, runs the action.</summary>
    private static Task<int> Lab(string[] args, Action<LabPaths> action)
    {
        action(Paths(args));
        return Task.FromResult(0);
    }

    private static LabPaths Paths(string[] args)
    {
        Shell.Verbose = args.Contains("--verbose");
        return new LabPaths(StateDirOf(args));
    }

    /// <summary>The value after <paramref name="name"/>, or null when it is not given.</summary>
    private static string? OptionValue(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string[] Positional(string[] args)
    {
        var result = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--state-dir")
            {
                i++;
            }
            else if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                result.Add(args[i]);
            }
        }
        return result.ToArray();
    }

    private static Task<int> Fault(string[] args, bool inject)
    {
        return Lab(args, paths =>
        {
            LabCommands.Preflight();
            string[] positional = Positional(args);
            if (positional.Length == 0)
            {
                throw new LabException($"which fault? {string.Join(", ", LabFaults.Names)}");
            }
            if (!LabCommands.IsUp(paths))
            {
                throw new LabException("the lab is not up (run haedge-lab up)");
            }
            var faults = new LabFaults(paths, LabNetwork.Load(paths.StateDir));
            Console.WriteLine((inject ? "fault: " : "healed: ") + faults.Apply(positional[0], positional[1..], inject));
        });
    }

    /// <summary>exec &lt;namespace&gt; -- cmd...: the command inherits this terminal, its exit code is ours.</summary>
    private static async Task<int> Exec(string[] args)
    {
        LabCommands.Preflight();
        int separator = Array.IndexOf(args, "--");
        if (separator != 1 || args.Length < 3)
        {
            throw new LabException("usage: exec <namespace> -- <command...>");
        }
        string ns = args[0].StartsWith(LabLayout.Prefix, StringComparison.Ordinal) ? args[0] : LabLayout.Prefix + args[0];
        if (!Shell.Namespaces().Contains(ns))
        {
            throw new LabException($"no lab namespace '{ns}' (known: {string.Join(", ", LabLayout.AllNamespaces)})");
        }
        var start = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (string arg in new[] { "netns", "exec", ns }.Concat(args[2..]))
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start) ?? throw new LabException("cannot start ip netns exec");
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>Runs a simulator verb until SIGTERM or Ctrl+C (a VM hard stop sends SIGKILL instead).</summary>
    private static async Task<int> Serve(Func<CancellationToken, Task<int>> run)
    {
        using var stop = new CancellationTokenSource();
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        return await run(stop.Token).ConfigureAwait(false);
    }

    private static string StateDirOf(string[] args) => OptionValue(args, "--state-dir") ?? LabLayout.DefaultStateDir;
}
