using HaEdge.Core.Carp;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using Xunit;
using static HaEdge.Core.Tests.Carp.CarpSamples;
using HaEdge.Core.Tests.Failover;
using HaEdge.Core.Tests.PfSense;
using HaEdge.Core.Tests.Support;

namespace HaEdge.Core.Tests.Carp;

/// <summary>
/// Issue 12 items 4 and 6 over the fake: an exec as pfSense CE 2.7.x answers it to the admin user. Every answer
/// below is either a real sample (tests/fixtures/real) or built from the upstream source named beside it.
/// </summary>
public class RealShellTests
{
    /// <summary>rc.initial on CE 2.7.0-2.7.2 (RELENG_2_7_0 l.35): echoed on stdout before the exec'd command when /etc/rc.local exists.</summary>
    private const string RcLocalBanner = ">>> Launching rc.local in background...\n";

    /// <summary>pfctl.c (without creatorids): warnx("Unknown show modifier '%s'") then usage() on stderr, exit 1.</summary>
    private const string PfctlUnknownModifier =
        "pfctl: Unknown show modifier 'c'\nusage: pfctl [-AdeghMmNnOPqRrvz] [-a anchor] [-D macro=value] [-F modifier]\n";

    /// <summary>status_carp.php on RELENG_2_7_0 l.239: how pfSense 2.7.0 itself reads the creator ids.</summary>
    private const string VvssPrefix = "pfctl -vvss | ";

    // Real: pfctl -si of FreeBSD (telegraf's test, 2 states).
    private static string PfctlInfo => RealFixture.Body("pfctl-si/telegraf-pf-test-freebsd-26min.txt");

    /// <summary>From source (ifpfsync.c, FreeBSD 14): a configured pfsync0 sending to <paramref name="peer"/>.</summary>
    private static string FromSourcePfsync(string peer) =>
        "pfsync0: flags=41<UP,RUNNING> metric 0 mtu 1500\n" +
        $"\tsyncdev: vtnet4 syncpeer: {peer} maxupd: 128 defer: off version: 1400\n" +
        "\tsyncok: 1\n" +
        "\tgroups: pfsync\n";

    /// <summary>
    /// A pfSense CE firewall of <paramref name="release"/> (its /etc/version line): pfctl without -sc before 2.7.1, and
    /// the creator ids of both nodes' states as pfctl -vvss | awk prints them (one per line, sorted).
    /// </summary>
    private static Func<string, (int, string, string)> CE(string release, string peer) => command => command switch
    {
        "cat /etc/version" => (0, release + "\n", ""),
        "ifconfig pfsync0" => (0, FromSourcePfsync(peer), ""),
        "pfctl -si" => (0, PfctlInfo, ""),
        "pfctl -sc" when release.StartsWith("2.7.0", StringComparison.Ordinal) => (1, "", PfctlUnknownModifier),
        "pfctl -sc" => (0, FromSource.PfctlCreators, ""),
        _ when command.StartsWith(VvssPrefix, StringComparison.Ordinal) => (0, "0a1b2c3d\n68d01842\n", ""),
        "ifconfig" => (0, Fw1Master, ""),
        "sysctl net.inet.carp" => (0, Fw1Sysctl, ""),
        _ => (127, "", $"sh: {command.Split(' ')[0]}: not found\n"),
    };

    private static FakeFirewalls Pair(string release, bool banner)
    {
        var fake = new FakeFirewalls();
        fake.AnswerWithErrors("fw1", CE(release, "198.51.100.130"));
        fake.AnswerWithErrors("fw2", CE(release, "198.51.100.129"));
        if (banner)
        {
            fake.Preamble["fw1"] = RcLocalBanner;
            fake.Preamble["fw2"] = RcLocalBanner;
        }

        return fake;
    }

    private static Task<(IReadOnlyList<PfsyncNodeStatus> Nodes, IReadOnlyList<HaEdgeException> Failures)> ReadPfsync(FakeFirewalls fake, Core.Session.EdgeSession? session = null) =>
        new PfsyncService(new FirewallShell(session ?? fake.Session(), TimeSpan.FromSeconds(2))).ReadAsync(CancellationToken.None);

    [Fact]
    public async Task Item4_CE_2_7_0_has_no_pfctl_sc_so_the_creator_ids_come_from_pfctl_vvss_and_the_pair_is_in_sync()
    {
        var fake = Pair("2.7.0-RELEASE", banner: true);

        var (nodes, failures) = await ReadPfsync(fake);

        Assert.Empty(failures);
        Assert.All(nodes, n => Assert.Equal((true, PfsyncVerdict.InSync, 2L), (n.Reachable, n.Verdict, n.StateEntries)));
        Assert.All(nodes, n => Assert.Equal(new[] { "0a1b2c3d", "68d01842" }, n.CreatorIds));
        Assert.DoesNotContain("pfctl -sc", fake.Commands);
        Assert.Contains(fake.Commands, c => c.StartsWith(VvssPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Item4_CE_2_7_2_reads_the_creator_ids_with_pfctl_sc()
    {
        var fake = Pair("2.7.2-RELEASE", banner: true);

        var (nodes, failures) = await ReadPfsync(fake);

        Assert.Empty(failures);
        Assert.All(nodes, n => Assert.Equal(new[] { "68d01842", "0a1b2c3d" }, n.CreatorIds));
        Assert.DoesNotContain(fake.Commands, c => c.StartsWith(VvssPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Item4_the_version_is_read_once_per_connection_and_again_after_a_reconnect()
    {
        var fake = Pair("2.7.0-RELEASE", banner: true);
        var session = fake.Session();

        await ReadPfsync(fake, session);
        await ReadPfsync(fake, session);
        Assert.Equal(2, fake.Commands.Count(c => c == "cat /etc/version"));

        // fw1 is upgraded to 2.7.2 and reboots: its connection drops, the next read reconnects and sees the new release.
        fake.AnswerWithErrors("fw1", CE("2.7.2-RELEASE", "198.51.100.130"));
        fake.Drop("fw1");
        var (nodes, failures) = await ReadPfsync(fake, session);

        Assert.Empty(failures);
        Assert.Equal(3, fake.Commands.Count(c => c == "cat /etc/version"));
        Assert.Equal(new[] { "68d01842", "0a1b2c3d" }, nodes.Single(n => n.Firewall == "fw1").CreatorIds);
        Assert.Equal(new[] { "0a1b2c3d", "68d01842" }, nodes.Single(n => n.Firewall == "fw2").CreatorIds);
    }

    [Fact]
    public async Task Item4_one_failing_command_costs_only_its_own_reading_and_the_reason_names_it()
    {
        // A 2.7.2 firewall whose pfctl -sc fails anyway: pfsync and the state table are still read.
        var fake = Pair("2.7.2-RELEASE", banner: false);
        var healthy = CE("2.7.2-RELEASE", "198.51.100.129");
        fake.AnswerWithErrors("fw2", command => command == "pfctl -sc" ? (1, "", PfctlUnknownModifier) : healthy(command));

        var (nodes, failures) = await ReadPfsync(fake);

        Assert.Empty(failures);
        var fw2 = nodes.Single(n => n.Firewall == "fw2");
        Assert.Equal((true, "vtnet4", true, 2L), (fw2.Reachable, fw2.SyncDev, fw2.SyncOk!.Value, fw2.StateEntries));
        Assert.Empty(fw2.CreatorIds);
        var reason = Assert.Single(fw2.Reasons);
        Assert.StartsWith("fw2's state creator ids are unknown: ", reason, StringComparison.Ordinal);
        Assert.Contains("'pfctl -sc' exited with status 1", reason, StringComparison.Ordinal);
        Assert.Contains("pfctl: Unknown show modifier 'c'", reason, StringComparison.Ordinal);
        Assert.All(nodes, n => Assert.Equal(PfsyncVerdict.NotInSync, n.Verdict));
    }

    [Fact]
    public async Task Item6_the_rc_local_banner_before_the_first_command_breaks_no_read()
    {
        var fake = Pair("2.7.2-RELEASE", banner: true);
        fake.AnswerWithErrors("fw2", command => command == "ifconfig" ? (0, Fw2Backup, "") : CE("2.7.2-RELEASE", "198.51.100.129")(command));
        var shell = new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2));

        var carp = await new CarpStatusService(shell).ReadAsync(CancellationToken.None);
        var (pfsync, pfsyncFailures) = await new PfsyncService(shell).ReadAsync(CancellationToken.None);

        Assert.Empty(carp.Failures);
        Assert.Equal(4, carp.Vips.Count);
        Assert.All(carp.Vips, v => Assert.Equal(CarpPairVerdict.Healthy, v.Verdict));
        Assert.Empty(pfsyncFailures);
        Assert.All(pfsync, n => Assert.Equal(PfsyncVerdict.InSync, n.Verdict));
    }

    [Fact]
    public async Task Item6_the_rc_local_banner_breaks_no_gateway_read()
    {
        var fake = new FakeFirewalls();
        var answers = new Dictionary<string, string>
        {
            [PfSenseCommands.GatewayStatusJson] = RealFixture.Body("gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt"),
            [PfSenseCommands.GatewayGroupsJson] = FromSource.GatewayGroupsJson,
            [PfSenseCommands.DefaultRoute + " 2>/dev/null || true"] = FromSource.RouteGetDefault,
            [PfSenseCommands.Ifconfig] = Vm2Master,
        };
        fake.Answer("fw1", answers);
        fake.Answer("fw2", answers);
        fake.Preamble["fw1"] = RcLocalBanner;
        fake.Preamble["fw2"] = RcLocalBanner;

        var (gateways, failures) = await new GatewayService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2))).ReadAsync(CancellationToken.None);

        Assert.Empty(failures);
        Assert.Equal(6, gateways.Count);
    }

    [Fact]
    public async Task Item6_a_single_command_answers_without_the_banner()
    {
        var fake = Pair("2.7.2-RELEASE", banner: true);
        var session = fake.Session();

        var result = await new FirewallShell(session, TimeSpan.FromSeconds(2)).RunAsync(session.Firewall("fw1"), "cat /etc/version", CancellationToken.None);

        Assert.Equal((0, "2.7.2-RELEASE\n", ""), (result.ExitStatus, result.Output, result.Error));
    }

    [Fact]
    public async Task Item8_an_alien_line_in_a_firewalls_answer_is_a_warning_naming_the_firewall_and_the_line()
    {
        // The real fw2 sample with a pasted prompt inserted by this test (the sample on disk stays as captured).
        var fake = Pair("2.7.2-RELEASE", banner: false);
        var fw2 = Fw2Backup.Split('\n').ToList();
        fw2.Insert(1, "[2.7.2-RELEASE][admin@fw2.home.arpa]/root: ifconfig");
        fake.AnswerWithErrors("fw2", command => command == "ifconfig" ? (0, string.Join("\n", fw2), "") : CE("2.7.2-RELEASE", "198.51.100.129")(command));
        var reporter = new RecordingReporter();

        var report = await new CarpStatusService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2)), reporter).ReadAsync(CancellationToken.None);

        Assert.Empty(report.Failures);
        Assert.All(report.Vips, v => Assert.Equal(CarpPairVerdict.Healthy, v.Verdict));
        var warning = Assert.Single(reporter.Lines);
        Assert.StartsWith("WARNING fw2: 'ifconfig' ", warning, StringComparison.Ordinal);
        Assert.Contains("line 2 '[2.7.2-RELEASE][admin@fw2.home.arpa]/root: ifconfig' (neither an interface header nor an indented detail line)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item4_a_failing_gateway_groups_command_costs_only_the_groups_with_a_warning_saying_why()
    {
        // config_get_path() does not exist before 2.7.0 (92abdaf028): PHP dies with a fatal error on stdout and exits 255.
        var answers = new Dictionary<string, (int, string, string)>
        {
            [PfSenseCommands.GatewayStatusJson] = (0, RealFixture.Body("gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt"), ""),
            [PfSenseCommands.GatewayGroupsJson] = (255, "", "PHP Fatal error:  Uncaught Error: Call to undefined function config_get_path() in Command line code:1\n"),
            [PfSenseCommands.DefaultRoute + " 2>/dev/null || true"] = (0, FromSource.RouteGetDefault, ""),
            [PfSenseCommands.Ifconfig] = (0, Vm2Master, ""),
        };
        var fake = new FakeFirewalls();
        fake.AnswerWithErrors("fw1", command => answers[command]);
        fake.AnswerWithErrors("fw2", command => answers[command]);
        var reporter = new RecordingReporter();

        var (gateways, failures) = await new GatewayService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2)), reporter).ReadAsync(CancellationToken.None);

        Assert.Empty(failures);
        Assert.Equal(6, gateways.Count);
        Assert.All(gateways, g => Assert.Empty(g.Groups));
        Assert.Equal(2, reporter.Lines.Count);
        Assert.All(reporter.Lines, l => Assert.Contains("exited with status 255: PHP Fatal error:  Uncaught Error: Call to undefined function config_get_path()", l, StringComparison.Ordinal));
        Assert.Contains(reporter.Lines, l => l.StartsWith("WARNING fw1: 'php -r", StringComparison.Ordinal) && l.EndsWith("; fw1's gateways are shown without their groups.", StringComparison.Ordinal));
    }
}
