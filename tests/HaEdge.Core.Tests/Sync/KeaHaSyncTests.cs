using System.Xml.Linq;
using HaEdge.Core.ConfigSync;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

/// <summary>
/// pfSense 2.8's Kea HA sync: rc.filter_synchronize carp_sync_xml() swaps the local and remote address and port, sends
/// the primary's local name (or hostname) as the remote name, flips the role and keeps back the local name and TLS
/// settings, which restore_config_section() then keeps from the receiver's own (pfsense/pfsense 6a92af1458
/// rc.filter_synchronize l.140-175, xmlrpc.php l.473-500). No real config.xml with a Kea HA block was available: the
/// block below has the shape services_dhcp.inc dhcp_do_settings_post() writes (6a92af1458 l.342-430), set into the
/// real 23.2 factory config.
/// </summary>
public class KeaHaSyncTests
{
    private const string Fw1 = """
        <kea><ha><enable></enable><role>primary</role><localname>fw1</localname><localip>192.0.2.2</localip><localport>8765</localport>
        <remotename>fw2</remotename><remoteip>192.0.2.3</remoteip><remoteport>8766</remoteport><heartbeatdelay>10000</heartbeatdelay>
        <tls></tls><scertref>6750a1c2d3e4f</scertref></ha></kea>
        """;

    // What fw2 holds after the sync: fw1's block rewritten, with fw2's own local name and server certificate.
    private const string Fw2Synced = """
        <kea><ha><enable></enable><role>standby</role><localip>192.0.2.3</localip><localport>8766</localport>
        <remotename>fw1</remotename><remoteip>192.0.2.2</remoteip><remoteport>8765</remoteport><heartbeatdelay>10000</heartbeatdelay>
        <tls></tls><scertref>6750a1c2d9a8b</scertref><localname>fw2</localname></ha></kea>
        """;

    private static object? Kea(string kea, string hostname = "pfSense")
    {
        var config = XDocument.Parse(SyncFixtures.Xml(SyncFixtures.Default232));
        config.Root!.Element("system")!.Element("hostname")!.Value = hostname;
        config.Root.Add(XElement.Parse(kea));
        return PfConfig.Load(config).Section("kea");
    }

    private static IReadOnlyList<ConfigDifference> Compare(string primary, string secondary, string? primaryHostname = "fw1") =>
        ConfigDiff.Compare("kea", Kea(primary), Kea(secondary), new ConfigDiffOptions { PrimaryHostname = primaryHostname });

    [Fact]
    public void A_synced_kea_ha_block_differs_only_as_pfSense_2_8_sends_and_keeps_it()
    {
        var differences = Compare(Fw1, Fw2Synced);

        Assert.Equal(new[]
        {
            "kea/ha/localip: 192.0.2.2 -> 192.0.2.3 (expected: KeaHaSwap)",
            "kea/ha/localname: fw1 -> fw2 (expected: KeaHaKeptLocal)",
            "kea/ha/localport: 8765 -> 8766 (expected: KeaHaSwap)",
            "kea/ha/remoteip: 192.0.2.3 -> 192.0.2.2 (expected: KeaHaSwap)",
            "kea/ha/remotename: fw2 -> fw1 (expected: KeaHaRemoteName)",
            "kea/ha/remoteport: 8766 -> 8765 (expected: KeaHaSwap)",
            "kea/ha/role: primary -> standby (expected: KeaHaRole)",
            "kea/ha/scertref: 6750a1c2d3e4f -> 6750a1c2d9a8b (expected: KeaHaKeptLocal)",
        }, differences.Select(d => d.ToString()));
    }

    [Fact]
    public void The_secondary_keeping_its_own_local_name_is_expected_too()
    {
        var withLocalName = Fw2Synced.Replace("<localname>fw2</localname>", "<localname>dhcp-b</localname>");

        var localName = Assert.Single(Compare(Fw1, withLocalName), d => d.Path == "kea/ha/localname");

        Assert.Equal(("fw1", "dhcp-b", "KeaHaKeptLocal"), (localName.PrimaryValue, localName.SecondaryValue, localName.Rule));
    }

    [Fact]
    public void Without_a_local_name_the_primary_sends_its_hostname_as_the_remote_name()
    {
        var primary = Fw1.Replace("<localname>fw1</localname>", "");

        var remoteName = Assert.Single(Compare(primary, Fw2Synced, primaryHostname: "edge-a"), d => d.Path == "kea/ha/remotename");

        // fw2's remote name fw1 is not what edge-a would send: drift until the next sync.
        Assert.Equal(("fw2", "fw1", false), (remoteName.PrimaryValue, remoteName.SecondaryValue, remoteName.Expected));
        Assert.DoesNotContain(Compare(primary, Fw2Synced.Replace("<remotename>fw1</remotename>", "<remotename>edge-a</remotename>"), "edge-a"),
            d => !d.Expected);
    }

    [Fact]
    public void Changes_on_the_secondary_and_a_role_left_unflipped_are_drift()
    {
        var changed = Fw2Synced.Replace("<heartbeatdelay>10000</heartbeatdelay>", "<heartbeatdelay>5000</heartbeatdelay>")
            .Replace("<role>standby</role>", "<role>primary</role>");

        var drift = Compare(Fw1, changed).Where(d => !d.Expected).Select(d => d.ToString());

        Assert.Equal(new[] { "kea/ha/heartbeatdelay: 10000 -> 5000", "kea/ha/role: primary -> primary (a sync makes it standby)" }, drift);
    }

    [Fact]
    public void A_secondary_holding_the_primarys_block_unrewritten_is_drift()
    {
        // As pfSense 2.7 would leave it if it synced kea at all, or a copy made by hand.
        var drift = Compare(Fw1, Fw1).Where(d => !d.Expected).Select(d => d.Path);

        Assert.Equal(new[] { "kea/ha/localip", "kea/ha/localport", "kea/ha/remoteip", "kea/ha/remotename", "kea/ha/remoteport", "kea/ha/role" }, drift);
    }

    [Fact]
    public void A_primary_without_kea_ha_still_sends_a_role_and_remote_name()
    {
        // carp_sync_xml sets kea/ha/role and kea/ha/remotename in what it sends even when the primary has no ha block.
        var differences = Compare("<kea><dnsreg></dnsreg></kea>", "<kea><dnsreg></dnsreg><ha><role>standby</role><remotename>fw1</remotename></ha></kea>");

        Assert.Equal(new[] { "KeaHaRemoteName", "KeaHaRole" }, differences.Select(d => d.Rule));
    }
}
