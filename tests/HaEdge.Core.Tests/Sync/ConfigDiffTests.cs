using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

public class ConfigDiffTests
{
    private static readonly PfConfig Master = SyncFixtures.Config(SyncFixtures.OpnsenseMaster);
    private static readonly PfConfig Backup = SyncFixtures.Config(SyncFixtures.OpnsenseBackup);

    private static IReadOnlyList<ConfigDifference> Diff(string section, string primaryXml, string secondaryXml, ConfigDiffOptions? options = null) =>
        ConfigDiff.Compare(section,
            PfConfig.Parse($"<pfsense>{primaryXml}</pfsense>").Section(section),
            PfConfig.Parse($"<pfsense>{secondaryXml}</pfsense>").Section(section), options);

    private static string Lines(IEnumerable<ConfigDifference> differences) => string.Join("\n", differences);

    private static IEnumerable<ConfigDifference> Drift(IEnumerable<ConfigDifference> differences) => differences.Where(d => !d.Expected);

    [Fact]
    public void Real_pair_virtualip_differs_only_by_the_advskew_rewrite_which_is_expected()
    {
        var differences = ConfigDiff.Compare("virtualip", Master.Section("virtualip"), Backup.Section("virtualip"));

        Assert.Equal(new[]
        {
            "virtualip/vip[descr=VIP WANx]/advskew: 0 -> 100 (expected: CarpAdvskew)",
            "virtualip/vip[descr=VIP LAN]/advskew: 0 -> 100 (expected: CarpAdvskew)",
        }, differences.Select(d => d.ToString()));
        Assert.All(differences, d => Assert.Equal(("virtualip", SyncRules.CarpAdvskew.Reason), (d.Section, d.Reason)));
    }

    [Fact]
    public void Real_pair_gateways_are_identical()
    {
        Assert.Empty(ConfigDiff.Compare("gateways", Master.Section("gateways"), Backup.Section("gateways")));
    }

    [Fact]
    public void Real_pair_hasync_differences_are_reported_with_the_password_hidden()
    {
        var differences = ConfigDiff.Compare("hasync", Master.Section("hasync"), Backup.Section("hasync"));

        Assert.Equal(new[]
        {
            $"hasync/password: {ConfigSecrets.Mask("opnsense")} -> ",
            "hasync/pfsyncpeerip: 10.0.0.2 -> 10.0.0.1",
            "hasync/synchronizedhcpd: on -> (absent)",
            "hasync/synchronizenat: on -> (absent)",
            "hasync/synchronizerules: on -> (absent)",
            "hasync/synchronizestaticroutes: on -> (absent)",
            "hasync/synchronizetoip: 10.0.0.2 -> ",
            "hasync/synchronizevirtualip: on -> (absent)",
            "hasync/username: root -> ",
        }, differences.Select(d => d.ToString()));
        Assert.DoesNotContain("opnsense", Lines(differences));
    }

    [Fact]
    public void Drift_introduced_on_the_real_backup_is_found_exactly()
    {
        var drifted = SyncFixtures.Xml(SyncFixtures.OpnsenseBackup)
            .Replace("<subnet>192.168.1.1</subnet>", "<subnet>192.168.1.254</subnet>")
            .Replace("<gateway>172.18.0.250</gateway>", "<gateway>172.18.0.1</gateway>");
        var backup = PfConfig.Parse(drifted);

        var differences = Drift(SyncSections.ForTickedBoxes(Master.HaSync!.TickedBoxes)
            .SelectMany(section => ConfigDiff.Compare(section, Master.Section(section), backup.Section(section))))
            .ToList();

        Assert.Equal(new[]
        {
            "gateways/gateway_item[name=WANGW]/gateway: 172.18.0.250 -> 172.18.0.1",
            "virtualip/vip[descr=VIP LAN]/subnet: 192.168.1.1 -> 192.168.1.254",
        }, differences.Select(d => d.ToString()));
    }

    [Fact]
    public void Filter_rules_are_keyed_by_tracker_and_volatile_stamps_are_ignored()
    {
        const string primary = "<filter>" +
            "<rule><tracker>1700000001</tracker><type>pass</type><descr>web</descr><updated><time>1</time></updated></rule>" +
            "<rule><tracker>1700000002</tracker><type>block</type><descr>rest</descr></rule></filter>";
        const string secondary = "<filter>" +
            "<rule><tracker>1700000001</tracker><type>pass</type><descr>web server</descr><updated><time>2</time></updated></rule>" +
            "<rule><tracker>1700000002</tracker><type>block</type><descr>rest</descr></rule>" +
            "<rule><tracker>1700000003</tracker><type>pass</type><descr>added on fw2</descr><created><time>3</time></created></rule></filter>";

        Assert.Equal(new[]
        {
            "filter/rule[tracker=1700000001]/descr: web -> web server",
            "filter/rule[tracker=1700000003]: (absent) -> {descr: added on fw2, tracker: 1700000003, type: pass}",
        }, Diff("filter", primary, secondary).Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("staticroutes", true)]   // sent empty when the primary has none (config_init_path)
    [InlineData("schedules", true)]      // array_get_path($config_copy, 'schedules', [])
    [InlineData("dhcpd", false)]         // sent only when the primary has one: the secondary's is its own
    public void A_section_the_primary_lacks_and_the_secondary_holds_empty_is_expected_when_pfSense_sends_it_empty(string section, bool expected)
    {
        var difference = Assert.Single(ConfigDiff.Compare(section, null, ""));

        Assert.Equal(($"{section}: (absent) -> ", expected), ($"{difference.Path}: (absent) -> {difference.SecondaryValue}", difference.Expected));
        Assert.Contains(Diff(section, "", $"<{section}><x>1</x></{section}>"), d => !d.Expected);
    }

    [Fact]
    public void Reordered_rules_are_reported_once()
    {
        const string a = "<rule><tracker>1</tracker><descr>a</descr></rule>";
        const string b = "<rule><tracker>2</tracker><descr>b</descr></rule>";

        var difference = Assert.Single(Diff("filter", $"<filter>{a}{b}</filter>", $"<filter>{b}{a}</filter>"));

        Assert.Equal("filter/rule(order)", difference.Path);
        Assert.Equal("1, 2", difference.PrimaryValue);
        Assert.Equal("2, 1", difference.SecondaryValue);
    }

    [Fact]
    public void A_nosync_entry_of_the_primary_is_expected_but_one_only_the_secondary_has_is_drift()
    {
        // restore_config_section replaces nat wholesale: the secondary's own entries go with the next sync, nosync or not.
        const string shared = "<rule><tracker>1</tracker><descr>shared</descr></rule>";
        var primary = $"<nat><outbound><rule><descr>primary only</descr><nosync></nosync></rule>{shared}</outbound>{shared}</nat>";
        var secondary = $"<nat><outbound>{shared}<rule><descr>secondary only</descr><nosync>on</nosync></rule></outbound>{shared}</nat>";

        Assert.Equal(new[]
        {
            "nat/outbound/rule[0]: {descr: primary only, nosync: } -> (absent) (expected: NoSync)",
            "nat/outbound/rule[1]: (absent) -> {descr: secondary only, nosync: on}",
        }, Diff("nat", primary, secondary).Select(d => d.ToString()));
    }

    [Fact]
    public void Dhcp_failover_peer_is_expected_but_other_dhcp_drift_is_not()
    {
        var differences = Diff("dhcpd",
            "<dhcpd><lan><failover_peerip>10.1.1.3</failover_peerip><range><from>10.1.1.100</from></range></lan></dhcpd>",
            "<dhcpd><lan><failover_peerip>10.1.1.2</failover_peerip><range><from>10.1.1.150</from></range></lan></dhcpd>");

        Assert.Equal(new[]
        {
            "dhcpd/lan/failover_peerip: 10.1.1.3 -> 10.1.1.2 (expected: DhcpFailoverPeer)",
            "dhcpd/lan/range/from: 10.1.1.100 -> 10.1.1.150",
        }, differences.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("0", "100", false)]
    [InlineData("200", "254", false)]
    [InlineData("0", "0", true)]     // the secondary would win elections: real drift
    [InlineData("10", "100", true)]
    public void Advskew_is_expected_as_primary_plus_100_capped_at_254(string primary, string secondary, bool drift)
    {
        static string Vip(string skew) =>
            $"<virtualip><vip><mode>carp</mode><interface>wan</interface><vhid>1</vhid><advskew>{skew}</advskew><advbase>1</advbase><uniqid>abc</uniqid></vip></virtualip>";

        var differences = Diff("virtualip", Vip(primary), Vip(secondary));

        Assert.Equal(drift, Drift(differences).Any(d => d.Path == "virtualip/vip[uniqid=abc]/advskew"));
    }

    [Fact]
    public void Local_ip_aliases_are_expected_on_either_side_but_aliases_on_a_carp_vip_are_compared()
    {
        const string carp = "<vip><mode>carp</mode><interface>lan</interface><vhid>3</vhid><advskew>0</advskew><uniqid>c1</uniqid></vip>";
        const string carpBackup = "<vip><mode>carp</mode><interface>lan</interface><vhid>3</vhid><advskew>100</advskew><uniqid>c1</uniqid></vip>";
        const string local = "<vip><mode>ipalias</mode><interface>lan</interface><subnet>10.0.0.5</subnet><uniqid>l1</uniqid></vip>";
        const string ownLocal = "<vip><mode>proxyarp</mode><interface>wan</interface><subnet>10.0.0.6</subnet><uniqid>l2</uniqid></vip>";
        const string stacked = "<vip><mode>ipalias</mode><interface>_vip3</interface><subnet>10.0.0.9</subnet><uniqid>s1</uniqid></vip>";

        var differences = Diff("virtualip", $"<virtualip>{carp}{local}{stacked}</virtualip>", $"<virtualip>{ownLocal}{carpBackup}</virtualip>");

        Assert.Equal(new[]
        {
            "virtualip/vip[uniqid=c1]/advskew: 0 -> 100 (expected: CarpAdvskew)",
            "virtualip/vip[uniqid=l1]: {interface: lan, mode: ipalias, subnet: 10.0.0.5, uniqid: l1} -> (absent) (expected: LocalVip)",
            "virtualip/vip[uniqid=s1]: {interface: _vip3, mode: ipalias, subnet: 10.0.0.9, uniqid: s1} -> (absent)",
            "virtualip/vip[uniqid=l2]: (absent) -> {interface: wan, mode: proxyarp, subnet: 10.0.0.6, uniqid: l2} (expected: LocalVip)",
        }, differences.Select(d => d.ToString()));
    }

    [Fact]
    public void Entries_without_identity_are_compared_by_index()
    {
        var differences = Diff("staticroutes",
            "<staticroutes><route><network>10.9.0.0/16</network><gateway>GW</gateway></route></staticroutes>",
            "<staticroutes><route><network>10.8.0.0/16</network><gateway>GW</gateway></route></staticroutes>");

        Assert.Equal(new[] { "staticroutes/route[0]/network: 10.9.0.0/16 -> 10.8.0.0/16" }, differences.Select(d => d.ToString()));
    }

    [Fact]
    public void Value_lists_compare_as_sets()
    {
        static string Group(params string[] items) =>
            "<gateways><gateway_group><name>G</name>" + string.Concat(items.Select(i => $"<item>{i}</item>")) + "<trigger>down</trigger></gateway_group></gateways>";

        Assert.Empty(Diff("gateways", Group("A|1|address", "B|2|address"), Group("B|2|address", "A|1|address")));
        Assert.Equal(new[] { "gateways/gateway_group[name=G]/item: B|2|address -> (absent)" },
            Diff("gateways", Group("A|1|address", "B|2|address"), Group("A|1|address")).Select(d => d.ToString()));
    }

    [Fact]
    public void Checkbox_present_versus_absent_is_a_difference_and_empty_forms_are_equal()
    {
        Assert.Equal(new[] { "system/disablechecksumoffloading:  -> (absent)" },
            Diff("system", "<system><disablechecksumoffloading></disablechecksumoffloading></system>", "<system><hostname/></system>")
                .Where(d => d.Path.EndsWith("offloading")).Select(d => d.ToString()));

        var xmlRpcEmpty = new Dictionary<string, object?> { ["staticroutes"] = new List<object?>() };
        Assert.Empty(ConfigDiff.Compare("x", new Dictionary<string, object?> { ["staticroutes"] = "" }, xmlRpcEmpty));
    }

    [Fact]
    public void Xml_rpc_section_and_config_xml_section_compare_equal()
    {
        var fromXmlRpc = ConfigTree.Select(XmlRpcCodec.DecodeResponse(
            RealFixture.Body("pfsense-xmlrpc/slamdev-backup_config_section-nat-response.xml.txt")), "nat");
        var fromConfigXml = PfConfig.Parse(
            "<pfsense><nat><separator></separator><outbound><rule><source><network>10.0.0.0/8</network></source>" +
            "<sourceport></sourceport><descr><![CDATA[]]></descr><target></target><targetip></targetip><targetip_subnet></targetip_subnet>" +
            "<interface>wan</interface><poolopts></poolopts><source_hash_key></source_hash_key><destination><any></any></destination>" +
            "<updated><time>1</time></updated></rule><mode>hybrid</mode></outbound>" +
            "<rule><source><any></any></source><destination><address>150.150.150.0</address><port>80</port></destination>" +
            "<ipprotocol>inet</ipprotocol><protocol>tcp</protocol><target>10.1.10.2</target><local-port>32152</local-port>" +
            "<interface>wan</interface><descr></descr><associated-rule-id>nat_64a17187182a13.81551731</associated-rule-id></rule>" +
            "</nat></pfsense>").Section("nat");

        Assert.Empty(ConfigDiff.Compare("nat", fromXmlRpc, fromConfigXml));

        var changed = ((IReadOnlyDictionary<string, object?>)fromConfigXml!).ToDictionary(k => k.Key, k => k.Value);
        changed["separator"] = "x";
        Assert.Equal(new[] { "nat/separator:  -> x" }, ConfigDiff.Compare("nat", fromXmlRpc, changed).Select(d => d.ToString()));
    }

    [Fact]
    public void Section_missing_on_one_side_is_one_difference_and_order_is_deterministic()
    {
        var first = ConfigDiff.Compare("gateways", Master.Section("gateways"), null);
        var second = ConfigDiff.Compare("gateways", Master.Section("gateways"), null);

        var only = Assert.Single(first);
        Assert.Equal("gateways", only.Path);
        Assert.Null(only.SecondaryValue);
        Assert.StartsWith("{gateway_item: [{avg_delay_samples: ,", only.PrimaryValue);
        Assert.Equal(Lines(first), Lines(second));
    }

    [Fact]
    public void Private_keys_in_entries_present_on_one_side_are_hidden()
    {
        var differences = Diff("cert", "<cert><refid>r1</refid><descr>web</descr><crt>Q1JU</crt><prv>S0VZ</prv></cert>", "");

        Assert.Contains($"prv: {ConfigSecrets.Mask("S0VZ")}", Assert.Single(differences).PrimaryValue);
        Assert.DoesNotContain("S0VZ", Lines(differences));
    }
}
