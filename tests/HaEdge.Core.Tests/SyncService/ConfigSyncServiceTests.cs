using System.Xml.Linq;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.SyncService;

public class ConfigSyncServiceTests
{
    private const string LanRule = "0100000101";
    private static readonly string LanRuleDescr = "filter/rule[tracker=" + LanRule + "]/descr";

    [Fact]
    public async Task Status_shows_the_primary_settings_and_no_finding_for_a_healthy_pair()
    {
        var pair = new FakeSyncPair();

        var status = await pair.Service().ReadStatusAsync(CancellationToken.None);

        Assert.Equal(("fw1", "fw2"), (status.Primary, status.Secondary));
        Assert.True(status.PfsyncEnabled);
        Assert.Equal(("opt1", "10.0.0.2", "10.0.0.2", "admin"), (status.PfsyncInterface, status.PfsyncPeerIp, status.SynchronizeToIp, status.Username));
        Assert.Equal(new[] { "synchronizerules", "synchronizealiases", "synchronizenat" }, status.TickedBoxes);
        Assert.Equal(new[] { "filter", "schedules", "aliases", "nat" }, status.Sections);
        Assert.Equal(("22.9", "22.9"), (status.ConfigVersion, status.SecondaryConfigVersion));
        Assert.Equal("2.7.0-RELEASE", status.Firmware.FirmwareVersion);
        Assert.Empty(status.Findings);
        Assert.True(status.ReadyToSync);
    }

    [Fact]
    public async Task A_secondary_that_syncs_back_is_the_loop_guard_and_the_sync_is_refused_without_running_anything()
    {
        var pair = new FakeSyncPair();
        pair.Secondary.At("hasync", "synchronizetoip").Single().Value = FakeSyncPair.PrimarySync;

        var status = await pair.Service().ReadStatusAsync(CancellationToken.None);
        var refusal = await Assert.ThrowsAsync<HaEdgeException>(() => pair.Service().PrepareAsync(SilentReporter.Instance, CancellationToken.None));

        Assert.Equal(HaSyncCheck.SecondaryHasSyncTarget, Assert.Single(status.SyncBlockers).Code);
        // The status and its findings name their edge, for reads of many edges at once.
        Assert.Equal(("test", "test"), (status.Edge, status.SyncBlockers[0].Edge));
        Assert.Equal(("PfConfigSyncLoopGuard", FailureKind.InvalidOperation, "fw2"), (refusal.ErrorId, refusal.Kind, refusal.Target));
        Assert.Contains("Disallowing CARP sync loop", refusal.Message);
        Assert.Contains("clear Synchronize Config to IP", refusal.Message);
        Assert.Empty(pair.Execs);
    }

    [Fact]
    public async Task A_config_version_mismatch_refuses_the_sync()
    {
        var pair = new FakeSyncPair();
        pair.Secondary.Firmware = new PfFirmwareInfo("2.7.2-RELEASE", "14.0", "14.0", "pfSense", "23.3");

        var refusal = await Assert.ThrowsAsync<HaEdgeException>(() => pair.Service().PrepareAsync(SilentReporter.Instance, CancellationToken.None));

        Assert.Equal("PfConfigSyncVersionMismatch", refusal.ErrorId);
        Assert.Contains("22.9", refusal.Message);
        Assert.Contains("23.3", refusal.Message);
        Assert.Empty(pair.Execs);
    }

    [Fact]
    public async Task A_sync_target_that_is_not_the_peer_refuses_the_sync()
    {
        var pair = new FakeSyncPair();
        pair.Primary.At("hasync", "synchronizetoip").Single().Value = "10.0.0.9";

        var refusal = await Assert.ThrowsAsync<HaEdgeException>(() => pair.Service().PrepareAsync(SilentReporter.Instance, CancellationToken.None));

        Assert.Equal(("PfConfigSyncNotConfigured", "fw1"), (refusal.ErrorId, refusal.Target));
        Assert.Contains("10.0.0.9", refusal.Message);
    }

    [Fact]
    public async Task An_unreachable_secondary_is_a_finding_and_refuses_the_sync_with_its_kind()
    {
        var pair = new FakeSyncPair();
        pair.Secondary.Failure = new HaEdgeException("XmlRpcUnreachable", FailureKind.ConnectionError, "fw2: cannot reach https://10.0.0.2/xmlrpc.php: Connection refused", "fw2");

        var status = await pair.Service().ReadStatusAsync(CancellationToken.None);
        var refusal = await Assert.ThrowsAsync<HaEdgeException>(() => pair.Service().PrepareAsync(SilentReporter.Instance, CancellationToken.None));

        var finding = Assert.Single(status.Findings);
        Assert.Equal((PfHaSyncStatus.SecondaryUnreachable, "fw2", "test"), (finding.Code, finding.Target, finding.Edge));
        Assert.Contains("Connection refused", finding.Message);
        Assert.Null(status.SecondarySettings);
        Assert.Equal("10.0.0.2", status.SynchronizeToIp);
        Assert.Equal(("PfConfigSyncPeerUnreachable", FailureKind.ConnectionError), (refusal.ErrorId, refusal.Kind));
        Assert.Empty(pair.Execs);
    }

    [Fact]
    public async Task Without_the_secondary_only_the_primary_checks_are_reported()
    {
        var pair = new FakeSyncPair();
        pair.Primary.At("hasync", "pfsyncpeerip").Single().Value = "10.0.0.7";
        pair.Secondary.Failure = new HaEdgeException("XmlRpcUnauthorized", FailureKind.AuthenticationError, "fw2: refused", "fw2");

        var status = await pair.Service().ReadStatusAsync(CancellationToken.None);
        var refusal = await Assert.ThrowsAsync<HaEdgeException>(() => pair.Service().PrepareAsync(SilentReporter.Instance, CancellationToken.None));

        Assert.Equal(new[] { PfHaSyncStatus.SecondaryUnreachable, HaSyncCheck.PfsyncPeerMismatch }, status.Findings.Select(f => f.Code));
        Assert.Equal(FailureKind.AuthenticationError, refusal.Kind);
    }

    [Fact]
    public async Task An_unreachable_primary_fails_the_read()
    {
        var pair = new FakeSyncPair();
        pair.Primary.Failure = new HaEdgeException("XmlRpcTimeout", FailureKind.OperationTimeout, "fw1: no answer", "fw1");

        var failure = await Assert.ThrowsAsync<HaEdgeException>(() => pair.Service().ReadStatusAsync(CancellationToken.None));

        Assert.Equal("XmlRpcTimeout", failure.ErrorId);
    }

    [Fact]
    public async Task A_missing_sync_address_is_named()
    {
        var pair = new FakeSyncPair();
        var service = new ConfigSyncService(pair.NewSession(FakeSyncPair.PrimarySync, null), new XmlRpcPair(pair.Primary, pair.Secondary));

        var failure = await Assert.ThrowsAsync<HaEdgeException>(() => service.ReadStatusAsync(CancellationToken.None));

        Assert.Equal(("SyncAddressMissing", "fw2"), (failure.ErrorId, failure.Target));
    }

    [Fact]
    public async Task Compare_shows_exactly_the_drifted_rule()
    {
        var pair = new FakeSyncPair();
        FakeSyncPair.SetRuleDescr(pair.Secondary, LanRule, "edited on the secondary");
        var service = pair.Service();

        var differences = await service.CompareAsync(await service.TickedSectionsAsync(CancellationToken.None), CancellationToken.None);

        var difference = Assert.Single(differences);
        Assert.Equal(("filter", LanRuleDescr, "Default allow LAN to any rule", "edited on the secondary"),
            (difference.Section, difference.Path, difference.PrimaryValue, difference.SecondaryValue));
    }

    [Fact]
    public async Task Compare_masks_secrets()
    {
        var pair = new FakeSyncPair();
        pair.Secondary.At("system", "user").Single().SetElementValue("bcrypt-hash", "$2y$10$somethingelse");

        var differences = await pair.Service().CompareAsync(new[] { "system/user" }, CancellationToken.None);

        var difference = Assert.Single(differences);
        var primaryHash = pair.Primary.At("system", "user").Single().Element("bcrypt-hash")!.Value;
        Assert.Equal(("system/user[name=admin]/bcrypt-hash", ConfigSecrets.Mask(primaryHash), ConfigSecrets.Mask("$2y$10$somethingelse")),
            (difference.Path, difference.PrimaryValue, difference.SecondaryValue));
        // Each node keeps its own admin unless "Synchronize admin" is on.
        Assert.Equal("UserKeptLocal", difference.Rule);
        Assert.Equal("test", difference.Edge);
    }

    [Fact]
    public async Task Sync_runs_rc_filter_synchronize_on_the_primary_and_proves_the_drift_gone()
    {
        var pair = new FakeSyncPair();
        FakeSyncPair.SetRuleDescr(pair.Secondary, LanRule, "edited on the secondary");
        var service = pair.Service();
        var reporter = new RecordingReporter();

        var plan = await service.PrepareAsync(reporter, CancellationToken.None);
        var result = await service.SyncAsync(plan, TimeSpan.FromSeconds(30), reporter, CancellationToken.None);

        // Its records counted, the sync, what it recorded: three execs, all on the primary.
        Assert.Equal(new[] { "fw1", "fw1", "fw1" }, pair.Execs.Select(e => e.Firewall));
        Assert.Equal("php -f /etc/rc.filter_synchronize", pair.Execs[1].Command);
        Assert.Equal((PfSyncOutcomeKind.Completed, "https://10.0.0.2:443/xmlrpc.php"), (result.Outcome!.Kind, result.Outcome.Url));
        Assert.True(result.Triggered);
        Assert.True(result.DriftGone);
        Assert.Equal((1, 0), (result.DifferencesBefore, result.DifferencesAfter));
        Assert.Equal(LanRuleDescr, Assert.Single(result.Resolved).Path);
        Assert.Equal(new[] { "filter", "schedules", "aliases", "nat" }, result.Sections);
        Assert.Empty(await service.CompareAsync(result.Sections, CancellationToken.None));
        Assert.Contains("progress: Sync-PfConfig: Running php -f /etc/rc.filter_synchronize on fw1", reporter.Lines);
        Assert.Equal("completed: Sync-PfConfig", reporter.Lines.Last());
    }

    [Fact]
    public async Task A_sync_that_applies_nothing_is_reported_with_what_remains_after_the_wait()
    {
        var pair = new FakeSyncPair();
        FakeSyncPair.SetRuleDescr(pair.Secondary, LanRule, "edited on the secondary");
        pair.SyncResponder = () => (0, ""); // pfSense recorded nothing this module knows (another log format, say)
        var service = pair.Service();
        var reporter = new RecordingReporter();

        var plan = await service.PrepareAsync(SilentReporter.Instance, CancellationToken.None);
        // 2 s: long enough that even a loaded machine runs the command and the first compare well within it, so the wait is seen.
        var timeout = TimeSpan.FromSeconds(2);
        var result = await service.SyncAsync(plan, timeout, reporter, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.Triggered);
        Assert.False(result.DriftGone);
        Assert.Equal(LanRuleDescr, Assert.Single(result.Remaining).Path);
        Assert.Empty(result.Resolved);
        // It waited out the timeout (less the last poll interval it would not have room for), and not much more.
        Assert.InRange(result.Duration, timeout - service.PollInterval, 5 * timeout);
        Assert.Contains(reporter.Lines, l => l == "progress: Sync-PfConfig: Waiting for fw2 to match: 1 difference left");
    }

    [Fact]
    public async Task A_failing_sync_command_is_an_error_with_what_it_printed()
    {
        var pair = new FakeSyncPair();
        pair.SyncResponder = () => (1, "XMLRPC communication error: Connection refused");
        var service = pair.Service();

        var plan = await service.PrepareAsync(SilentReporter.Instance, CancellationToken.None);
        var failure = await Assert.ThrowsAsync<HaEdgeException>(() => service.SyncAsync(plan, TimeSpan.FromSeconds(30), SilentReporter.Instance, CancellationToken.None));

        Assert.Equal(("PfConfigSyncCommandFailed", FailureKind.InvalidOperation, "fw1"), (failure.ErrorId, failure.Kind, failure.Target));
        Assert.Contains("exit status 1", failure.Message);
        Assert.Contains("Connection refused", failure.Message);
    }

    [Fact]
    public async Task Stopping_ends_the_wait()
    {
        var pair = new FakeSyncPair();
        FakeSyncPair.SetRuleDescr(pair.Secondary, LanRule, "edited on the secondary");
        pair.SyncResponder = () => (0, "");
        var service = pair.Service();
        var plan = await service.PrepareAsync(SilentReporter.Instance, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        // Stopped once the wait has begun (its first progress), not after a guessed time a loaded machine could move.
        var stopWhileWaiting = new CancelOnProgress(stop, "Waiting for");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        // A wait that ignored the stop would run its 5 minutes: the test fails after 30 s instead (a TimeoutException).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            service.SyncAsync(plan, TimeSpan.FromMinutes(5), stopWhileWaiting, stop.Token).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.True(stop.IsCancellationRequested, "the wait was never reached");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task No_ticked_box_refuses_the_sync()
    {
        var pair = new FakeSyncPair();
        foreach (var box in pair.Primary.At("hasync").Elements().Where(e => e.Name.LocalName.StartsWith("synchronize", StringComparison.Ordinal) && e.Name.LocalName != "synchronizetoip").ToList())
            box.Remove();

        var refusal = await Assert.ThrowsAsync<HaEdgeException>(() => pair.Service().PrepareAsync(SilentReporter.Instance, CancellationToken.None));

        Assert.Equal("PfConfigSyncNotConfigured", refusal.ErrorId);
        Assert.Contains("no section ticked", refusal.Message);
    }
    /// <summary>
    /// A sync whose rc.filter_synchronize exits 0 having done nothing, recording why as pfSense does. With a 5-minute
    /// timeout the reason must come at once, without waiting for the secondary (the test gives up after 30 s).
    /// </summary>
    private static async Task<(HaEdgeException Failure, RecordingReporter Reporter)> SyncThatRecords(Action<FakePfRecords> records)
    {
        var pair = new FakeSyncPair();
        FakeSyncPair.SetRuleDescr(pair.Secondary, LanRule, "edited on the secondary");
        pair.SyncResponder = () =>
        {
            pair.Records.Status("Building high availability sync information");
            records(pair.Records);
            return (0, "");
        };
        var service = pair.Service();
        var reporter = new RecordingReporter();
        var plan = await service.PrepareAsync(SilentReporter.Instance, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<HaEdgeException>(() =>
            service.SyncAsync(plan, TimeSpan.FromMinutes(5), reporter, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.DoesNotContain(reporter.Lines, l => l.Contains("Waiting for"));
        Assert.Equal("fw1", failure.Target);
        return (failure, reporter);
    }

    [Fact]
    public async Task Nothing_ticked_in_pfSense_s_eyes_fails_at_once_with_its_log_line()
    {
        var (failure, _) = await SyncThatRecords(r => r.LogError("Nothing has been configured to be synched. Skipping...."));

        Assert.Equal(("PfConfigSyncNothingTicked", FailureKind.InvalidOperation), (failure.ErrorId, failure.Kind));
        Assert.Contains("\"Nothing has been configured to be synched. Skipping....\"", failure.Message);
    }

    [Fact]
    public async Task A_version_mismatch_found_by_rc_filter_synchronize_fails_at_once_with_both_versions()
    {
        const string mismatch = "The other member is on a different configuration version of pfSense. Sync will not be done to prevent problems!";
        var (failure, _) = await SyncThatRecords(r =>
        {
            r.VersionCheck(FakePfRecords.Url, "23.3", "22.9");
            r.Status(mismatch);
            r.LogError(mismatch);
        });

        Assert.Equal(("PfConfigSyncVersionMismatch", FailureKind.InvalidOperation), (failure.ErrorId, failure.Kind));
        Assert.Contains("fw2 is on config version 23.3 and fw1 on 22.9", failure.Message);
    }

    [Fact]
    public async Task A_wrong_sync_password_fails_at_once_as_an_authentication_error()
    {
        var (failure, reporter) = await SyncThatRecords(r =>
        {
            r.FailedAttempts(FakePfRecords.Url, "Exception calling XMLRPC method host_firmware_version #-1 : Authentication failed: Invalid username or password", fault: true);
            r.PeerVersionUnknown("22.9");
        });

        Assert.Equal(("PfConfigSyncAuthenticationFailed", FailureKind.AuthenticationError), (failure.ErrorId, failure.Kind));
        Assert.Contains("Authentication failed: Invalid username or password", failure.Message);
        Assert.Contains("Remote System Username and Password", failure.Message);
        Assert.Contains(reporter.Lines, l => l.StartsWith("verbose: php -f /etc/rc.filter_synchronize finished on fw1", StringComparison.Ordinal)
            && l.Contains("AuthenticationFailed"));
    }

    [Fact]
    public async Task An_unreachable_peer_fails_at_once_as_a_connection_error()
    {
        const string error = "A communications error occurred while attempting to call XMLRPC method host_firmware_version: Failed to connect to 10.0.0.2 port 443: Connection refused";
        var (failure, _) = await SyncThatRecords(r =>
        {
            r.FailedAttempts(FakePfRecords.Url, error, fault: false);
            r.PeerVersionUnknown("22.9");
        });

        Assert.Equal(("PfConfigSyncCommunicationError", FailureKind.ConnectionError), (failure.ErrorId, failure.Kind));
        Assert.Contains("Connection refused", failure.Message);
    }

    [Fact]
    public async Task No_sync_target_in_pfSense_s_eyes_fails_at_once()
    {
        var (failure, _) = await SyncThatRecords(_ => { });

        Assert.Equal(("PfConfigSyncNoTarget", FailureKind.InvalidOperation), (failure.ErrorId, failure.Kind));
        Assert.Contains("Synchronize Config to IP", failure.Message);
    }

    [Fact]
    public async Task A_completed_sync_that_leaves_drift_is_reported_without_waiting()
    {
        var pair = new FakeSyncPair();
        FakeSyncPair.SetRuleDescr(pair.Secondary, LanRule, "edited on the secondary");
        // The secondary's loop guard: it answers true and applies nothing, so the primary records a completed sync.
        pair.SyncResponder = () =>
        {
            pair.Records.Status("Building high availability sync information");
            pair.Records.Status("Signaling CARP reload signal...");
            pair.Records.Status($"XMLRPC sync successfully completed with {FakePfRecords.Url}.");
            return (0, "");
        };
        var service = pair.Service();
        var reporter = new RecordingReporter();
        var plan = await service.PrepareAsync(SilentReporter.Instance, CancellationToken.None);

        var result = await service.SyncAsync(plan, TimeSpan.FromMinutes(5), reporter, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PfSyncOutcomeKind.Completed, result.Outcome!.Kind);
        Assert.False(result.DriftGone);
        Assert.Equal(LanRuleDescr, Assert.Single(result.Remaining).Path);
        Assert.DoesNotContain(reporter.Lines, l => l.Contains("Waiting for"));
    }

    [Fact]
    public async Task A_sync_still_retrying_at_the_timeout_says_why()
    {
        const string error = "CurlException calling XMLRPC method host_firmware_version #Operation timed out after 240001 milliseconds with 0 bytes received";
        var pair = new FakeSyncPair();
        FakeSyncPair.SetRuleDescr(pair.Secondary, LanRule, "edited on the secondary");
        using var release = new ManualResetEventSlim();
        // A blackholed peer: rc.filter_synchronize retries for minutes (4 x 240 s), logging each failure.
        pair.SyncResponder = () =>
        {
            pair.Records.Status("Building high availability sync information");
            pair.Records.LogError($"Beginning XMLRPC sync data to {FakePfRecords.Url}.");
            pair.Records.LogError("Retrying XMLRPC Request due to error: " + error);
            release.Wait(TimeSpan.FromSeconds(60));
            return (0, "");
        };
        var service = pair.Service();
        var plan = await service.PrepareAsync(SilentReporter.Instance, CancellationToken.None);
        try
        {
            var failure = await Assert.ThrowsAsync<HaEdgeException>(() =>
                service.SyncAsync(plan, TimeSpan.FromSeconds(1), SilentReporter.Instance, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Equal(("PfConfigSyncCommunicationError", FailureKind.ConnectionError), (failure.ErrorId, failure.Kind));
            Assert.Contains("pfSense logged (still running after", failure.Message);
            Assert.Contains("Operation timed out", failure.Message);
            Assert.Equal("SshCommandTimeout", Assert.IsType<HaEdgeException>(failure.InnerException).ErrorId);
        }
        finally
        {
            release.Set();
        }
    }
}
