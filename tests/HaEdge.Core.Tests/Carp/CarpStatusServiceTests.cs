using System.Diagnostics;
using HaEdge.Core.Carp;
using HaEdge.Core.PfSense;
using Xunit;
using static HaEdge.Core.Tests.Carp.CarpSamples;

namespace HaEdge.Core.Tests.Carp;

public class CarpStatusServiceTests
{
    private static async Task<CarpPairReport> Read(FakeFirewalls fake) =>
        await new CarpStatusService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2))).ReadAsync(CancellationToken.None);

    [Fact]
    public async Task Real_opnsense_pair_is_healthy_with_the_values_in_the_samples()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Fw2Backup, FromSourceSysctlHealthy));

        var report = await Read(fake);

        Assert.Empty(report.Failures);
        Assert.Equal(4, report.Vips.Count);
        Assert.Equal(new[] { ("fw1", 3), ("fw2", 3), ("fw1", 1), ("fw2", 1) }, report.Vips.Select(v => (v.Firewall, v.Vhid)));
        foreach (var vip in report.Vips)
        {
            Assert.Null(vip.Interface);
            Assert.Equal(1, vip.AdvBase);
            Assert.Equal(0, vip.Demotion);
            Assert.False(vip.Maintenance);
            Assert.Equal(CarpPairVerdict.Healthy, vip.Verdict);
            Assert.Equal(CarpFlags.None, vip.Flags);
            Assert.Empty(vip.Reasons);
        }

        Assert.All(report.Vips.Where(v => v.Firewall == "fw1"), v => Assert.Equal((CarpState.Master, 0, 0, "fw2", CarpState.Backup), (v.State, v.AdvSkew, v.EffectiveSkew, v.Peer, v.PeerState!.Value)));
        Assert.All(report.Vips.Where(v => v.Firewall == "fw2"), v => Assert.Equal((CarpState.Backup, 100, 100, "fw1", CarpState.Master), (v.State, v.AdvSkew, v.EffectiveSkew, v.Peer, v.PeerState!.Value)));
    }

    [Fact]
    public async Task One_exec_per_firewall_in_parallel()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Fw2Backup, FromSourceSysctlHealthy));

        await Read(fake);

        Assert.Equal(new[] { "fw1", "fw2" }, fake.Execs.Select(e => e.Firewall).OrderBy(n => n));
        Assert.Equal(4, fake.Commands.Count);
    }

    [Fact]
    public async Task Real_bsdrp_pair_reads_interfaces_and_ipv4_and_ipv6_addresses()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Vm2Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Vm3Backup, FromSourceSysctlHealthy));

        var report = await Read(fake);

        Assert.Equal(8, report.Vips.Count);
        var lan6 = report.Vips.Single(v => v.Firewall == "fw1" && v.Vhid == 2);
        Assert.Equal(("vtnet3", CarpState.Master, 100), (lan6.Interface, lan6.State, lan6.AdvSkew));
        Assert.Equal(new[] { "2001:db8:10::fe/128" }, lan6.Addresses);
        var wan4 = report.Vips.Single(v => v.Firewall == "fw2" && v.Vhid == 3);
        Assert.Equal(("vtnet4", CarpState.Backup, 200, 200), (wan4.Interface, wan4.State, wan4.AdvSkew, wan4.EffectiveSkew));
        Assert.Equal(new[] { "2.2.2.254/32" }, wan4.Addresses);
        Assert.All(report.Vips, v => Assert.Equal(CarpPairVerdict.Healthy, v.Verdict));
    }

    [Fact]
    public async Task Two_masters_is_split_brain()
    {
        var fake = new FakeFirewalls();
        // Both nodes print the real MASTER sample: each believes it owns vhid 3 and 1.
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Fw1Master, Fw1Sysctl));

        var report = await Read(fake);

        Assert.All(report.Vips, v => Assert.Equal(CarpPairVerdict.SplitBrain, v.Verdict));
        Assert.Contains("vhid 3 is MASTER on both fw1 and fw2.", report.Vips.First(v => v.Vhid == 3).Reasons);
    }

    [Fact]
    public async Task Two_backups_is_no_master()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw2Backup, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Fw2Backup, FromSourceSysctlHealthy));

        var report = await Read(fake);

        Assert.All(report.Vips, v => Assert.Equal(CarpPairVerdict.NoMaster, v.Verdict));
    }

    [Fact]
    public async Task Unreachable_peer_is_a_failure_and_degrades_every_vip()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Unreachable["fw2"] = true;

        var report = await Read(fake);

        var failure = Assert.Single(report.Failures);
        Assert.Equal(("SshUnreachable", "fw2"), (failure.ErrorId, failure.Target));
        Assert.Equal(2, report.Vips.Count);
        Assert.All(report.Vips, v => Assert.Equal((CarpPairVerdict.Degraded, "fw1", (CarpState?)null), (v.Verdict, v.Firewall, v.PeerState)));
        Assert.Contains(report.Vips[0].Reasons, r => r.StartsWith("fw2 could not be read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wedged_firewall_is_reported_within_the_timeout_not_a_hang()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Hanging["fw2"] = true;
        var watch = Stopwatch.StartNew();

        // Connect timeout 1 s + command timeout 1 s + 1 s grace. The hang itself never ends: should the bound fail,
        // the test fails after 30 s instead of hanging.
        var report = await new CarpStatusService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(1))).ReadAsync(CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        // It waited for the bound (not less), and not much longer: the margin above is for a loaded machine.
        Assert.InRange(watch.Elapsed.TotalSeconds, 2.5, 15);
        Assert.Equal(("SshCommandTimeout", FailureKind.OperationTimeout), (report.Failures[0].ErrorId, report.Failures[0].Kind));
        Assert.Contains("gave no answer within 3 s", report.Failures[0].Message, StringComparison.Ordinal);
        Assert.All(report.Vips, v => Assert.Equal(CarpPairVerdict.Degraded, v.Verdict));
    }

    [Fact]
    public async Task A_transport_that_blocks_its_caller_is_still_cut_off_at_the_answer_bound()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.BlockingOpen["fw2"] = TimeSpan.FromSeconds(60);
        try
        {
            var watch = Stopwatch.StartNew();

            // The bound holds fw1 too, which answers at once but whose exec waits for a thread-pool thread (one is
            // held by fw2's block): 2 s, so that a loaded machine still runs it in time.
            var report = await new CarpStatusService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)))
                .ReadAsync(CancellationToken.None);

            // The 2 s bound ended the wait, not the transport (blocked for a minute); the margin above is for a loaded machine.
            Assert.InRange(watch.Elapsed.TotalSeconds, 1.95, 10);
            var failure = Assert.Single(report.Failures);
            Assert.Equal(("SshCommandTimeout", "fw2"), (failure.ErrorId, failure.Target));
            Assert.Contains("gave no answer within 2 s", failure.Message, StringComparison.Ordinal);
            Assert.Contains(report.Vips, v => v.Firewall == "fw1" && v.State == CarpState.Master);
        }
        finally
        {
            fake.Unblock();
        }
    }

    [Fact]
    public async Task A_connect_slower_than_the_answer_bound_goes_on_for_the_next_read()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Fw1Master, Fw1Sysctl));
        var connect = fake.HoldConnect("fw2");
        var session = fake.Session();
        // Two polls on one session: the first with a poll's short bound, which fw2's connect outlasts (it is held
        // until the test lets it go); the second with room for a loaded machine, started while that connect is still on.
        // Only fw2 is judged in the first poll: fw1's exec may wait for a thread longer than that short bound.
        var polls = new CarpStatusService(new FirewallShell(session, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300)));
        var patientPolls = new CarpStatusService(new FirewallShell(session, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));

        var first = await polls.ReadAsync(CancellationToken.None);
        var reading = patientPolls.ReadAsync(CancellationToken.None);
        connect.SetResult();
        var second = await reading;

        Assert.Equal("SshCommandTimeout", Assert.Single(first.Failures, f => f.Target == "fw2").ErrorId);
        Assert.Empty(second.Failures);
        Assert.Equal(1, fake.Connects.Count(name => name == "fw2"));
    }

    [Fact]
    public async Task Cancellation_stops_the_wait()
    {
        var fake = new FakeFirewalls();
        fake.Hanging["fw1"] = true;
        fake.Hanging["fw2"] = true;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new CarpStatusService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(30))).ReadAsync(cancel.Token));
    }

    [Fact]
    public async Task Unreadable_output_is_a_failure_naming_the_firewall_and_kind()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers("garbage\n", FromSourceSysctlHealthy));

        var report = await Read(fake);

        var failure = Assert.Single(report.Failures);
        Assert.Equal(("PfSenseOutputUnparsable", "fw2"), (failure.ErrorId, failure.Target));
        Assert.StartsWith("fw2: Cannot read the ifconfig output", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_fails_is_a_failure_with_its_status()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", new Dictionary<string, string> { ["ifconfig"] = Fw2Backup });

        var report = await Read(fake);

        var failure = Assert.Single(report.Failures);
        Assert.Equal("PfSenseCommandFailed", failure.ErrorId);
        Assert.Contains("'sysctl net.inet.carp' exited with status 127", failure.Message, StringComparison.Ordinal);
    }
}
