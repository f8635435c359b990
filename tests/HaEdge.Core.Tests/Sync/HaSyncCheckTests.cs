using HaEdge.Core.Checks;
using HaEdge.Core.ConfigSync;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

public class HaSyncCheckTests
{
    private static readonly HaSyncPeers Peers = new("fw1", "198.51.100.129", "fw2", "198.51.100.130");

    private static HaSyncSettings Primary(string? syncTo = "198.51.100.130", string? pfsyncPeer = "198.51.100.130",
        bool pfsync = true, string[]? boxes = null) =>
        new(pfsync, "opt4", pfsyncPeer, null, syncTo, "hasync", true, boxes ?? new[] { "synchronizerules", "synchronizevirtualip" });

    private static HaSyncSettings Secondary(string? syncTo = null, string? pfsyncPeer = "198.51.100.129", bool pfsync = true) =>
        new(pfsync, "opt4", pfsyncPeer, null, syncTo, null, false, Array.Empty<string>());

    private static PfFirmwareInfo Firmware(string configVersion) => new("2.7.2-RELEASE", "14.0", "14.0", "pfSense", configVersion);

    public static TheoryData<string, HaSyncSettings, HaSyncSettings, string, string?, FindingSeverity?, string?> Cases => new()
    {
        { "clean pair", Primary(), Secondary(), "23.3", null, null, null },
        { "secondary syncs back to primary (loop guard)", Primary(), Secondary(syncTo: "198.51.100.129"), "23.3", HaSyncCheck.SecondaryHasSyncTarget, FindingSeverity.Error, "fw2" },
        { "primary has no target", Primary(syncTo: null), Secondary(), "23.3", HaSyncCheck.PrimaryHasNoSyncTarget, FindingSeverity.Error, "fw1" },
        { "primary syncs elsewhere", Primary(syncTo: "198.51.100.131"), Secondary(), "23.3", HaSyncCheck.SyncTargetNotPeer, FindingSeverity.Error, "fw1" },
        { "config versions differ", Primary(), Secondary(), "24.0", HaSyncCheck.ConfigVersionMismatch, FindingSeverity.Error, "fw2" },
        { "secondary pfsync peer wrong", Primary(), Secondary(pfsyncPeer: "10.0.0.9"), "23.3", HaSyncCheck.PfsyncPeerMismatch, FindingSeverity.Error, "fw2" },
        { "primary pfsync multicast", Primary(pfsyncPeer: null), Secondary(), "23.3", HaSyncCheck.PfsyncPeerMismatch, FindingSeverity.Warning, "fw1" },
        { "secondary pfsync off", Primary(), Secondary(pfsync: false), "23.3", HaSyncCheck.PfsyncDisabled, FindingSeverity.Error, "fw2" },
        { "nothing ticked", Primary(boxes: new[] { "adminsync" }), Secondary(), "23.3", HaSyncCheck.NoSectionsTicked, FindingSeverity.Warning, "fw1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_misconfiguration_gives_exactly_its_finding(string name, HaSyncSettings primary, HaSyncSettings secondary,
        string secondaryConfigVersion, string? code, FindingSeverity? severity, string? target)
    {
        var findings = HaSyncCheck.Evaluate(primary, secondary, Firmware("23.3"), Firmware(secondaryConfigVersion), Peers);

        if (code == null)
        {
            Assert.True(findings.Count == 0, $"{name}: {string.Join("; ", findings)}");
            return;
        }
        var finding = Assert.Single(findings);
        Assert.Equal(code, finding.Code);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal(target, finding.Target);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.False(string.IsNullOrWhiteSpace(finding.Remediation));
    }

    [Fact]
    public void Loop_guard_message_names_the_silent_refusal()
    {
        var finding = Assert.Single(HaSyncCheck.Evaluate(Primary(), Secondary(syncTo: "198.51.100.129"), null, null, Peers));
        Assert.Contains("Disallowing CARP sync loop", finding.Message);
    }

    [Fact]
    public void Missing_firmware_info_skips_the_version_check()
    {
        Assert.Empty(HaSyncCheck.Evaluate(Primary(), Secondary(), Firmware("23.3"), null, Peers));
    }

    [Fact]
    public void Addresses_compare_as_addresses()
    {
        var peers = new HaSyncPeers("fw1", "2001:db8::1", "fw2", "2001:db8::2");
        var primary = Primary(syncTo: "2001:DB8:0::2", pfsyncPeer: "10.0.0.2");
        var secondary = Secondary(pfsyncPeer: "10.0.0.1");

        var findings = HaSyncCheck.Evaluate(primary, secondary, null, null, peers);

        Assert.DoesNotContain(findings, f => f.Code == HaSyncCheck.SyncTargetNotPeer);
    }

    [Fact]
    public void Real_opnsense_pair_is_clean_against_its_own_addresses()
    {
        var master = SyncFixtures.Config(SyncFixtures.OpnsenseMaster).HaSync!;
        var backup = SyncFixtures.Config(SyncFixtures.OpnsenseBackup).HaSync!;

        var findings = HaSyncCheck.Evaluate(master, backup, null, null, new HaSyncPeers("master", "10.0.0.1", "backup", "10.0.0.2"));

        Assert.Empty(findings);
    }

    [Fact]
    public void Real_backup_used_as_primary_reports_no_target()
    {
        var backup = SyncFixtures.Config(SyncFixtures.OpnsenseBackup).HaSync!;
        var master = SyncFixtures.Config(SyncFixtures.OpnsenseMaster).HaSync!;

        var findings = HaSyncCheck.Evaluate(backup, master, null, null, new HaSyncPeers("backup", "10.0.0.2", "master", "10.0.0.1"));

        Assert.Equal(new[] { HaSyncCheck.PrimaryHasNoSyncTarget, HaSyncCheck.SecondaryHasSyncTarget }, findings.Select(f => f.Code));
    }
}
