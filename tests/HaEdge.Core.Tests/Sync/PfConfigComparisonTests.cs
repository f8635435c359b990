using HaEdge.Core.ConfigSync;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

public class PfConfigComparisonTests
{
    /// <summary>Answers backup_config_section from a config.xml, as the firewall would.</summary>
    private sealed class ConfigBackedClient(PfConfig config) : IPfXmlRpcClient
    {
        public List<IReadOnlyList<string>> Requests { get; } = new();

        public Task<PfFirmwareInfo> HostFirmwareVersionAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new PfFirmwareInfo("2.7.2-RELEASE", "14.0", "14.0", "pfSense", config.Version));

        public Task<IReadOnlyDictionary<string, object?>> BackupConfigSectionAsync(IReadOnlyList<string> sections, CancellationToken cancellationToken = default)
        {
            Requests.Add(sections);
            return Task.FromResult(config.Sections(sections));
        }
    }

    [Fact]
    public async Task Ha_sync_is_read_over_xml_rpc()
    {
        var hasync = await PfConfigComparison.ReadHaSyncAsync(new ConfigBackedClient(SyncFixtures.Config(SyncFixtures.OpnsenseMaster)));

        Assert.Equal("10.0.0.2", hasync!.SynchronizeToIp);
        Assert.Null(await PfConfigComparison.ReadHaSyncAsync(new ConfigBackedClient(SyncFixtures.Config(SyncFixtures.Default232))));
    }

    [Fact]
    public async Task Ticked_sections_of_the_real_pair_compare_clean_except_the_sample_trim()
    {
        var master = SyncFixtures.Config(SyncFixtures.OpnsenseMaster);
        var primary = new ConfigBackedClient(master);
        var secondary = new ConfigBackedClient(SyncFixtures.Config(SyncFixtures.OpnsenseBackup));

        var differences = await PfConfigComparison.CompareAsync(primary, secondary, master.HaSync!.Sections);

        // No drift: the master has no <staticroutes> and the backup an empty one, as a sync of a ticked section the
        // primary lacks leaves it, and the VIPs' advskew is 0/100 as pfSense syncs it.
        Assert.DoesNotContain(differences, d => !d.Expected);
        Assert.Equal(new[] { "staticroutes: (absent) ->  (expected: EmptySectionSent)", "virtualip/vip[descr=VIP WANx]/advskew: 0 -> 100 (expected: CarpAdvskew)",
            "virtualip/vip[descr=VIP LAN]/advskew: 0 -> 100 (expected: CarpAdvskew)" }, differences.Select(d => d.ToString()));
        // With kea among the sections the primary's hostname is read too (the Kea HA remote name).
        Assert.Equal(new[] { "filter", "schedules", "nat", "dhcpd", "kea", "staticroutes", "gateways", "virtualip", "system" }, Assert.Single(primary.Requests));
        Assert.Equal(new[] { "filter", "schedules", "nat", "dhcpd", "kea", "staticroutes", "gateways", "virtualip" }, Assert.Single(secondary.Requests));
    }

    [Fact]
    public async Task Section_paths_fetch_their_top_level_key()
    {
        var config = SyncFixtures.Config(SyncFixtures.Default232);
        var primary = new ConfigBackedClient(config);
        var secondary = new ConfigBackedClient(PfConfig.Parse(SyncFixtures.Xml(SyncFixtures.Default232).Replace("<name>admin</name>", "<name>root</name>")));

        var differences = await PfConfigComparison.CompareAsync(primary, secondary, SyncSections.ForTickedBoxes(new[] { "synchronizeusers" }));

        // The primary's hasync too: whether it syncs admin decides what the secondary keeps.
        Assert.Equal(new[] { "system", "hasync" }, Assert.Single(primary.Requests));
        Assert.Equal(new[] { "system" }, Assert.Single(secondary.Requests));
        Assert.Contains(differences, d => d.Section == "system/user" && d.Path.StartsWith("system/user[name=admin]", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.Section == "system/user" && d.Path.StartsWith("system/user[name=root]", StringComparison.Ordinal));
        Assert.DoesNotContain(differences, d => d.PrimaryValue?.Contains("$2b$") == true);
    }
}
