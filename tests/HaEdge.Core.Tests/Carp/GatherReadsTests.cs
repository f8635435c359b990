using HaEdge.Core.PfSense;
using Xunit;

namespace HaEdge.Core.Tests.Carp;

/// <summary>FirewallShell.GatherReads: the reads started together go in one exec per firewall, each asker gets its own answers.</summary>
public sealed class GatherReadsTests
{
    private static (FakeFirewalls Fake, FirewallShell Shell) Shell()
    {
        var fake = new FakeFirewalls();
        foreach (var firewall in new[] { "fw1", "fw2" }) fake.Answer(firewall, command => (command.StartsWith("false", StringComparison.Ordinal) ? 1 : 0, $"{firewall} answers {command}"));
        return (fake, new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Reads_asked_while_gathering_go_in_one_exec_per_firewall_and_each_asker_gets_its_own_answers()
    {
        var (fake, shell) = Shell();
        var (fw1, fw2) = (shell.Session.Definition.Firewalls[0], shell.Session.Definition.Firewalls[1]);
        Task<IReadOnlyList<CommandOutput>> carp, gateways, pfsync, other;
        using (shell.GatherReads(CancellationToken.None))
        {
            carp = shell.AskAsync(fw1, new[] { "ifconfig -a", "sysctl -n net.inet.carp.demotion" }, CancellationToken.None);
            gateways = shell.AskAsync(fw1, new[] { "false gateways" }, CancellationToken.None);
            pfsync = shell.AskAsync(fw1, new[] { "pfctl -si" }, CancellationToken.None);
            other = shell.AskAsync(fw2, new[] { "pfctl -si" }, CancellationToken.None);
            Assert.Empty(fake.Execs);
        }

        Assert.Equal(new[] { "fw1 answers ifconfig -a", "fw1 answers sysctl -n net.inet.carp.demotion" }, (await carp).Select(o => o.Output.Trim()));
        var failed = Assert.Single(await gateways);
        Assert.Equal((1, "fw1 answers false gateways"), (failed.Status, failed.Output.Trim()));
        Assert.Equal("fw1 answers pfctl -si", Assert.Single(await pfsync).Output.Trim());
        Assert.Equal("fw2 answers pfctl -si", Assert.Single(await other).Output.Trim());
        Assert.Equal(new[] { "fw1", "fw2" }, fake.Execs.Select(e => e.Firewall).Order());
    }

    [Fact]
    public async Task A_read_asked_after_the_gathering_closed_runs_alone()
    {
        var (fake, shell) = Shell();
        var fw1 = shell.Session.Definition.Firewalls[0];
        Task<IReadOnlyList<CommandOutput>> first;
        using (shell.GatherReads(CancellationToken.None))
        {
            first = shell.AskAsync(fw1, new[] { "ifconfig -a" }, CancellationToken.None);
        }

        var later = await shell.AskAsync(fw1, new[] { "pfctl -si" }, CancellationToken.None);

        Assert.Equal("fw1 answers ifconfig -a", Assert.Single(await first).Output.Trim());
        Assert.Equal("fw1 answers pfctl -si", Assert.Single(later).Output.Trim());
        Assert.Equal(2, fake.Execs.Count);
    }

    [Fact]
    public async Task An_unreachable_firewall_fails_every_read_gathered_for_it_and_no_other()
    {
        var (fake, shell) = Shell();
        fake.Unreachable["fw2"] = true;
        var (fw1, fw2) = (shell.Session.Definition.Firewalls[0], shell.Session.Definition.Firewalls[1]);
        Task<IReadOnlyList<CommandOutput>> reachable, carp, gateways;
        using (shell.GatherReads(CancellationToken.None))
        {
            reachable = shell.AskAsync(fw1, new[] { "ifconfig -a" }, CancellationToken.None);
            carp = shell.AskAsync(fw2, new[] { "ifconfig -a" }, CancellationToken.None);
            gateways = shell.AskAsync(fw2, new[] { "pfSsh.php playback gatewaystatus" }, CancellationToken.None);
        }

        Assert.Equal("fw1 answers ifconfig -a", Assert.Single(await reachable).Output.Trim());
        Assert.Equal("SshUnreachable", (await Assert.ThrowsAsync<HaEdgeException>(() => carp)).ErrorId);
        Assert.Equal("SshUnreachable", (await Assert.ThrowsAsync<HaEdgeException>(() => gateways)).ErrorId);
    }

    [Fact]
    public async Task When_the_shared_exec_times_out_each_read_is_asked_again_alone_and_only_the_slow_one_fails()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", command => command.StartsWith("pfSsh.php", StringComparison.Ordinal)
            ? throw new HaEdgeException("SshCommandTimeout", FailureKind.OperationTimeout, "fw1: 'pfSsh.php' gave no answer within 2 s", "fw1")
            : (0, "fw1 answers " + command));
        var shell = new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2));
        var fw1 = shell.Session.Definition.Firewalls[0];
        Task<IReadOnlyList<CommandOutput>> carp, gateways;
        using (shell.GatherReads(CancellationToken.None))
        {
            carp = shell.AskAsync(fw1, new[] { "ifconfig -a" }, CancellationToken.None);
            gateways = shell.AskAsync(fw1, new[] { "pfSsh.php playback gatewaystatus" }, CancellationToken.None);
        }

        Assert.Equal("fw1 answers ifconfig -a", Assert.Single(await carp).Output.Trim());
        Assert.Equal("SshCommandTimeout", (await Assert.ThrowsAsync<HaEdgeException>(() => gateways)).ErrorId);
        // The shared exec, then each read on its own.
        Assert.Equal(3, fake.Execs.Count);
    }
}
