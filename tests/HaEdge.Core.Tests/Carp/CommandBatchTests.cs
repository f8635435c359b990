using System.Diagnostics;
using System.Reflection;
using HaEdge.Core.Failover.Adapters;
using HaEdge.Core.PfSense.Services;
using Xunit;

namespace HaEdge.Core.Tests.Carp;

public class CommandBatchTests
{
    private static readonly string[] Commands = { "ifconfig", "sysctl net.inet.carp" };

    [Fact]
    public void Joins_each_command_with_its_exit_status_marker()
    {
        Assert.Equal("ifconfig; printf '\\n@@haedge-exit %d\\n' $?; sysctl net.inet.carp; printf '\\n@@haedge-exit %d\\n' $?", CommandBatch.Join(Commands));
    }

    [Fact]
    public void Cuts_the_answer_back_into_each_command_output()
    {
        // As /bin/sh prints it: output with and without a final newline, each followed by printf's marker line.
        var sections = CommandBatch.Split("fw1", Commands, "a\nb\n\n@@haedge-exit 0\n{\"json\":1}\n@@haedge-exit 0\n", "");

        Assert.Equal(new[] { "a\nb\n", "{\"json\":1}\n" }, sections);
    }

    [Fact]
    public void An_answer_cut_short_names_the_command_that_did_not_finish()
    {
        var error = Assert.Throws<HaEdgeException>(() => CommandBatch.Split("fw1", Commands, "a\n\n@@haedge-exit 0\nnet.inet.carp.allow: 1\n", ""));

        Assert.Equal(("PfSenseOutputTruncated", "fw1"), (error.ErrorId, error.Target));
        Assert.Contains("after 1 of 2 commands ('sysctl net.inet.carp' did not finish)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_command_carries_its_status_and_stderr()
    {
        var error = Assert.Throws<HaEdgeException>(() => CommandBatch.Split("fw2", Commands, "\n@@haedge-exit 127\n", "sh: ifconfig: not found\n"));

        Assert.Equal(("PfSenseCommandFailed", "fw2"), (error.ErrorId, error.Target));
        Assert.Equal("fw2: 'ifconfig' exited with status 127: sh: ifconfig: not found", error.Message);
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
        var check = new ProcessStartInfo(File.Exists("/bin/dash") ? "/bin/dash" : "/bin/sh") { RedirectStandardError = true };
        foreach (var argument in new[] { "-n", "-c", CommandBatch.Join(all) }) check.ArgumentList.Add(argument);
        using var sh = Process.Start(check)!;
        var error = sh.StandardError.ReadToEnd();
        sh.WaitForExit();

        Assert.True(all.Count >= 12, "the commands were not found");
        Assert.True(sh.ExitCode == 0, error);
    }
}
