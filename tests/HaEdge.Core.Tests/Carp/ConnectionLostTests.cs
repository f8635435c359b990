using HaEdge.Core.PfSense;
using HaEdge.Core.Session;
using Xunit;

namespace HaEdge.Core.Tests.Carp;

/// <summary>A firewall restarted since the pooled connection was opened: reads recover, changes do not run twice.</summary>
public sealed class ConnectionLostTests
{
    private static (FakeFirewalls Fake, FirewallShell Shell) Warm()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", command => (0, "answer to " + command));
        var shell = new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2));
        return (fake, shell);
    }

    [Fact]
    public async Task A_read_on_a_severed_connection_is_run_again_once_on_a_fresh_one()
    {
        var (fake, shell) = Warm();
        var fw1 = shell.Session.Definition.Firewalls[0];
        await shell.AskAsync(fw1, new[] { "sysctl -n net.inet.carp.demotion" }, CancellationToken.None);
        fake.Sever("fw1");

        var outputs = await shell.AskAsync(fw1, new[] { "sysctl -n net.inet.carp.demotion" }, CancellationToken.None);

        Assert.True(outputs[0].Succeeded);
        Assert.Equal("answer to sysctl -n net.inet.carp.demotion", outputs[0].Output.Trim());
        Assert.Equal(2, fake.Connects.Count(c => c == "fw1"));
    }

    [Fact]
    public async Task A_change_on_a_severed_connection_fails_once_and_the_next_command_gets_a_fresh_connection()
    {
        var (fake, shell) = Warm();
        var fw1 = shell.Session.Definition.Firewalls[0];
        await shell.AskAsync(fw1, new[] { "true" }, CancellationToken.None);
        fake.Sever("fw1");

        var lost = await Assert.ThrowsAsync<HaEdgeException>(() => shell.RunAsync(fw1, "/etc/rc.filter_synchronize", CancellationToken.None));
        var next = await shell.RunAsync(fw1, "/etc/rc.filter_synchronize", CancellationToken.None);

        Assert.Equal(SshErrors.ConnectionLost, lost.ErrorId);
        Assert.Equal(0, next.ExitStatus);
        // The change went out once on the severed connection and once when asked again, never retried on its own.
        Assert.Equal(2, fake.Execs.Count(e => e.Command.Contains("rc.filter_synchronize", StringComparison.Ordinal)));
        Assert.Equal(2, fake.Connects.Count(c => c == "fw1"));
    }
}
