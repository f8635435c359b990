using System.Diagnostics;
using System.Reflection;
using System.Text;
using HaEdge.Core.Failover.Adapters;
using HaEdge.Core.PfSense;
using Xunit;

namespace HaEdge.Core.Tests.Carp;

public class CommandBatchTests
{
    private static readonly string[] Commands = { "ifconfig", "sysctl net.inet.carp" };

    /// <summary>rc.initial on CE 2.7.0-2.7.2 (src/etc/rc.initial l.35): on stdout before the exec'd command, as admin.</summary>
    private const string RcLocalBanner = ">>> Launching rc.local in background...";

    /// <summary>The sh that runs pfSense's commands: dash, an ash like FreeBSD's /bin/sh, where it exists.</summary>
    private static string Sh => File.Exists("/bin/dash") ? "/bin/dash" : "/bin/sh";

    /// <summary>Runs <paramref name="arguments"/> with the sh; its stdout, stderr and exit code.</summary>
    private static (string Output, string Error, int Status) RunSh(params string[] arguments)
    {
        var start = new ProcessStartInfo(Sh) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var sh = Process.Start(start)!;
        var error = sh.StandardError.ReadToEndAsync();
        var output = sh.StandardOutput.ReadToEnd();
        sh.WaitForExit();
        return (output, error.Result, sh.ExitCode);
    }

    /// <summary>As admin's shell runs it on CE 2.7.x: the banner on stdout first, then /bin/sh -c with the command.</summary>
    private static (string Output, string Error, int Status) RunAsAdmin(string command) =>
        RunSh("-c", $"echo '{RcLocalBanner}'; {Sh} -c \"$1\"; exit", "rc.initial", command);

    [Fact]
    public void Joins_each_command_with_its_exit_status_marker_behind_the_begin_marker()
    {
        Assert.Equal(
            "{ { printf '\\n@@haedge-begin\\n'; printf '\\n@@haedge-begin\\n' >&2; "
            + "haedge_end() { printf '\\n@@haedge-exit %d\\n' $1; printf '\\n@@haedge-exit %d\\n' $1 >&2; }; "
            + "ifconfig; haedge_end $?; sysctl net.inet.carp; haedge_end $?; "
            + "} 2>&1 1>&3 3>&- | dd obs=1048576 >&2 2>/dev/null 3>&-; } 3>&1 | dd obs=1048576 2>/dev/null",
            CommandBatch.Join(Commands));
    }

    [Fact]
    public void Cuts_the_answer_back_into_each_command_output()
    {
        // As /bin/sh prints it: output with and without a final newline, each followed by the marker line.
        var sections = CommandBatch.Split("fw1", Commands, "\n@@haedge-begin\na\nb\n\n@@haedge-exit 0\n{\"json\":1}\n@@haedge-exit 0\n",
            "\n@@haedge-begin\n\n@@haedge-exit 0\n\n@@haedge-exit 0\n");

        Assert.Equal(new[] { "a\nb\n", "{\"json\":1}" }, sections.Select(s => s.Output));
        Assert.All(sections, s => Assert.Equal((0, ""), (s.Status, s.Error)));
    }

    [Fact]
    public void An_answer_cut_short_names_the_command_that_did_not_finish()
    {
        var error = Assert.Throws<HaEdgeException>(() =>
            CommandBatch.Split("fw1", Commands, "\n@@haedge-begin\na\n\n@@haedge-exit 0\nnet.inet.carp.allow: 1\n", "\n@@haedge-begin\n\n@@haedge-exit 0\nsysctl: killed\n"));

        Assert.Equal(("PfSenseOutputTruncated", "fw1"), (error.ErrorId, error.Target));
        Assert.Contains("after 1 of 2 commands ('sysctl net.inet.carp' did not finish): sysctl: killed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_command_is_an_answer_with_its_own_status_and_stderr()
    {
        var sections = CommandBatch.Split("fw2", Commands, "\n@@haedge-begin\n\n@@haedge-exit 127\nnet.inet.carp.allow: 1\n\n@@haedge-exit 0\n",
            "\n@@haedge-begin\nsh: ifconfig: not found\n\n@@haedge-exit 127\n\n@@haedge-exit 0\n");

        Assert.Equal((127, "sh: ifconfig: not found\n"), (sections[0].Status, sections[0].Error));
        Assert.Equal("fw2: 'ifconfig' exited with status 127: sh: ifconfig: not found", sections[0].Failure!.Message);
        Assert.Equal(("PfSenseCommandFailed", "fw2"), (sections[0].Failure!.ErrorId, sections[0].Failure!.Target));
        Assert.Equal((0, "net.inet.carp.allow: 1\n", ""), (sections[1].Status, sections[1].Output, sections[1].Error));
        Assert.Null(sections[1].Failure);
    }

    [Fact]
    public void Item4_a_batch_run_by_a_real_sh_splits_stdout_stderr_and_status_per_command()
    {
        // pfctl -sc on 2.7.0 in miniature: the middle command fails with text on stderr; the others still answer.
        var commands = new[] { "echo one", "echo \"pfctl: Unknown show modifier 'c'\" >&2; echo usage >&2; false", "printf three" };

        var (output, error, _) = RunSh("-c", CommandBatch.Join(commands));
        var sections = CommandBatch.Split("fw1", commands, output, error);

        Assert.Equal(new[] { (0, "one\n", ""), (1, "", "pfctl: Unknown show modifier 'c'\nusage\n"), (0, "three", "") },
            sections.Select(s => (s.Status, s.Output, s.Error)));
    }

    [Fact]
    public async Task A_batch_answers_in_one_write_per_stream_however_slowly_its_commands_print()
    {
        // Each write would cross SSH as a packet of its own for the reader to decrypt and wake for.
        var commands = new[] { "echo one; echo err >&2", "sleep 0.1; echo two; echo err >&2", "sleep 0.1; echo three" };
        var start = new ProcessStartInfo(Sh) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(CommandBatch.Join(commands));
        using var sh = Process.Start(start)!;
        static List<string> Reads(Stream stream)
        {
            var reads = new List<string>();
            var buffer = new byte[65536];
            for (int read; (read = stream.Read(buffer, 0, buffer.Length)) > 0;) reads.Add(Encoding.UTF8.GetString(buffer, 0, read));
            return reads;
        }

        var errorReads = Task.Run(() => Reads(sh.StandardError.BaseStream));
        var outputReads = Reads(sh.StandardOutput.BaseStream);
        sh.WaitForExit();

        var output = Assert.Single(outputReads);
        var error = Assert.Single(await errorReads);
        Assert.Equal(new[] { "one\n", "two\n", "three\n" }, CommandBatch.Split("fw1", commands, output, error).Select(s => s.Output));
    }

    [Fact]
    public void Item6_what_admins_shell_prints_before_the_begin_marker_is_no_part_of_any_answer()
    {
        var (output, error, _) = RunAsAdmin(CommandBatch.Join(Commands.Select(c => "echo " + c.Replace(' ', '_')).ToList()));
        Assert.StartsWith(RcLocalBanner, output, StringComparison.Ordinal);

        var sections = CommandBatch.Split("fw1", Commands, output, error);

        Assert.Equal(new[] { "ifconfig\n", "sysctl_net.inet.carp\n" }, sections.Select(s => s.Output));
    }

    [Fact]
    public void Item6_a_single_command_keeps_its_exit_status_and_loses_the_banner()
    {
        var command = "echo 2.7.2-RELEASE; echo oops >&2; exit 3";
        var (output, error, status) = RunAsAdmin(CommandBatch.Single(command));

        var result = CommandBatch.Unwrap(command, new HaEdge.Core.Session.SshCommandResult(command, status, output, error, TimeSpan.Zero));

        Assert.Equal((3, "2.7.2-RELEASE\n", "oops\n"), (result.ExitStatus, result.Output, result.Error));
    }

    [Fact]
    public void Item6_a_login_shell_that_is_not_sh_is_named_with_the_users_that_work()
    {
        // What tcsh (every pfSense user but root and admin) does with the batch: it refuses the sh function syntax.
        var error = Assert.Throws<HaEdgeException>(() => CommandBatch.Split("fw1", Commands, "", "Badly placed ()'s.\n"));

        Assert.Equal(("PfSenseShellUnsupported", "fw1"), (error.ErrorId, error.Target));
        Assert.Contains("Badly placed ()'s.", error.Message, StringComparison.Ordinal);
        Assert.Contains("admin", error.Message, StringComparison.Ordinal);
        Assert.Contains("tcsh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_command_batched_is_plain_sh_as_pfSense_runs_it()
    {
        // pfSense runs ssh commands with /bin/sh; the lab's firewalls run bash, which would hide a bashism. dash is an
        // ash like FreeBSD's sh: -n parses without running. That catches bash-only syntax (<<<, arrays, [[ ]] with
        // && inside), not bash-only commands.
        var all = typeof(PfSenseCommands).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Append(SessionEdge.ForceDownCommand("FIBRE_GW", down: true))
            .Append(SessionEdge.ForceDownCommand("FIBRE_GW", down: false))
            .ToList();

        var (_, error, status) = RunSh("-n", "-c", CommandBatch.Join(all));

        Assert.True(all.Count >= 14, "the commands were not found");
        Assert.True(status == 0, error);
    }
}
