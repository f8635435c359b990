using HaEdge.Core.ConfigSync;
using Xunit;

namespace HaEdge.Core.Tests.SyncService;

/// <summary>
/// What rc.filter_synchronize records on each of its exit paths, read back. The records are written as the upstream
/// code writes them (<see cref="FakePfRecords"/>): no captured pfSense log of these paths was available.
/// </summary>
public class PfSyncOutcomeTests
{
    private const string Building = "Building high availability sync information";

    // What one run added: the records minus what was there before it.
    private static PfSyncOutcome Read(FakePfRecords records) => PfSyncOutcome.Read(records.SystemLog.Skip(1).ToList(), records.ReloadStatus.Skip(2).ToList());

    [Fact]
    public void A_completed_sync_is_read_from_filter_reload_status()
    {
        var records = new FakePfRecords();
        records.Status(Building);
        records.VersionCheck(FakePfRecords.Url, "23.3", "23.3");
        records.Status("Signaling CARP reload signal...");
        records.Status($"XMLRPC sync successfully completed with {FakePfRecords.Url}.");

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.Completed, FakePfRecords.Url, "23.3", "23.3"), (outcome.Kind, outcome.Url, outcome.PeerConfigVersion, outcome.OwnConfigVersion));
    }

    [Fact]
    public void Nothing_ticked_is_the_section_check_in_the_system_log()
    {
        var records = new FakePfRecords();
        records.Status(Building);
        records.LogError("Nothing has been configured to be synched. Skipping....");

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.NothingToSync, "Nothing has been configured to be synched. Skipping...."), (outcome.Kind, outcome.Message));
    }

    [Fact]
    public void A_version_mismatch_names_both_config_versions()
    {
        const string mismatch = "The other member is on a different configuration version of pfSense. Sync will not be done to prevent problems!";
        var records = new FakePfRecords();
        records.Status(Building);
        records.VersionCheck(FakePfRecords.Url, "23.9", "23.3");
        records.Status(mismatch);
        records.LogError(mismatch);

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.VersionMismatch, mismatch, "23.9", "23.3"), (outcome.Kind, outcome.Message, outcome.PeerConfigVersion, outcome.OwnConfigVersion));
    }

    [Theory]
    [InlineData("-1", "Authentication failed: Invalid username or password")]
    [InlineData("-2", "Authentication failed: not enough privileges")]
    public void A_refused_login_is_an_authentication_failure(string code, string fault)
    {
        var error = $"Exception calling XMLRPC method host_firmware_version #{code} : {fault}";
        var records = new FakePfRecords();
        records.Status(Building);
        records.FailedAttempts(FakePfRecords.Url, error, fault: true);
        records.PeerVersionUnknown("23.3");

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.AuthenticationFailed, error, ""), (outcome.Kind, outcome.Message, outcome.PeerConfigVersion));
    }

    [Fact]
    public void An_unreachable_peer_is_a_communication_error()
    {
        const string error = "A communications error occurred while attempting to call XMLRPC method host_firmware_version: Failed to connect to 10.0.0.2 port 443: Connection refused";
        var records = new FakePfRecords();
        records.Status(Building);
        records.FailedAttempts(FakePfRecords.Url, error, fault: false);
        records.PeerVersionUnknown("23.3");

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.CommunicationError, error), (outcome.Kind, outcome.Message));
    }

    [Fact]
    public void A_run_still_retrying_already_says_why()
    {
        const string error = "CurlException calling XMLRPC method host_firmware_version #Operation timed out after 240001 milliseconds with 0 bytes received";
        var records = new FakePfRecords();
        records.Status(Building);
        records.LogError($"Beginning XMLRPC sync data to {FakePfRecords.Url}.");
        records.LogError("Retrying XMLRPC Request due to error: " + error);
        records.LogError($"Beginning XMLRPC sync data to {FakePfRecords.Url}.");

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.CommunicationError, error), (outcome.Kind, outcome.Message));
    }

    [Fact]
    public void Without_a_client_error_the_undetermined_version_is_reported_as_it_is()
    {
        var records = new FakePfRecords();
        records.Status(Building);
        records.PeerVersionUnknown("23.3");

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.PeerVersionUnknown, FakePfRecords.Undetermined), (outcome.Kind, outcome.Message));
    }

    [Fact]
    public void A_restore_the_peer_refused_after_the_version_check_is_a_failed_restore()
    {
        const string error = "Exception calling XMLRPC method restore_config_section #-32602 : server error. invalid method parameters";
        var records = new FakePfRecords();
        records.Status(Building);
        records.VersionCheck(FakePfRecords.Url, "23.3", "23.3");
        records.Status("Signaling CARP reload signal...");
        records.FailedAttempts(FakePfRecords.Url, error, fault: true);

        var outcome = Read(records);

        Assert.Equal((PfSyncOutcomeKind.RestoreFailed, error), (outcome.Kind, outcome.Message));
    }

    [Fact]
    public void No_sync_target_records_only_the_first_status_line()
    {
        var records = new FakePfRecords();
        records.Status(Building);
        records.SystemLog.Add(FakePfRecords.Syslog("sshd[5150]: Accepted publickey for admin from 192.0.2.10 port 50122 ssh2"));

        Assert.Equal(PfSyncOutcomeKind.NoTarget, Read(records).Kind);
    }

    [Fact]
    public void Only_the_last_run_in_filter_reload_status_counts()
    {
        // An earlier run completed; this one could not read the peer's version.
        var records = new FakePfRecords();
        records.Status(Building);
        records.Status("Signaling CARP reload signal...");
        records.Status($"XMLRPC sync successfully completed with {FakePfRecords.Url}.");
        records.Status(Building);
        records.PeerVersionUnknown("23.3");

        Assert.Equal(PfSyncOutcomeKind.PeerVersionUnknown, Read(records).Kind);
    }

    [Fact]
    public void Master_s_log_format_without_the_script_is_read_too()
    {
        // pfSense master after 97c0e52ad9 (2025-10-31) logs "<LEVEL> [High Availability] <message>" without the script.
        var records = new FakePfRecords();
        records.SystemLog.Add(FakePfRecords.Syslog(
            "php[4242]: WARNING [High Availability] The other member is on a different configuration version of pfSense. Sync will not be done to prevent problems!"));

        Assert.Equal(PfSyncOutcomeKind.VersionMismatch, Read(records).Kind);
    }

    [Fact]
    public void Nothing_recorded_is_unknown()
    {
        Assert.Equal(PfSyncOutcomeKind.Unknown, Read(new FakePfRecords()).Kind);
    }
}
