using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Sync;
using Xunit;

namespace HaEdge.Core.Tests.Security;

/// <summary>
/// Issue 20: secrets in config diffs are found by the element's name, whole subtrees included, and shown as a keyed tag.
/// The sections are real (tests/fixtures/real); the secret values are set by each test, as the samples carry only
/// placeholders or empty ones.
/// </summary>
public class ConfigSecretMaskingTests
{
    private const string Dhcpd = "pfsense-config-xml/pfsensible-dhcpd-fixture-23.3-ddns.xml.txt";
    private const string Ipsec = "pfsense-config-xml/pfsensible-ipsec-fixture-22.2-ipsec.xml.txt";

    private static XDocument Load(string file) => XDocument.Parse(SyncFixtures.Xml(file));

    private static IReadOnlyList<ConfigDifference> Diff(string section, XDocument primary, XDocument secondary) =>
        ConfigDiff.Compare(section, PfConfig.Load(primary).Section(section), PfConfig.Load(secondary).Section(section));

    private static string Lines(IEnumerable<ConfigDifference> differences) => string.Join("\n", differences);

    private static XElement Phase1(XDocument config, string descr) =>
        config.Root!.Element("ipsec")!.Elements("phase1").Single(p => (string?)p.Element("descr") == descr);

    [Fact]
    public void A_dynamic_dns_key_in_the_real_dhcpd_section_is_masked_and_its_key_name_stays_readable()
    {
        var primary = Load(Dhcpd);
        var secondary = Load(Dhcpd);
        var lan = secondary.Root!.Element("dhcpd")!.Element("lan")!;
        lan.SetElementValue("ddnsdomainkey", "bm90LWEtcmVhbC10c2lnLWtleQ==");
        lan.SetElementValue("ddnsdomainkeyname", "lan-update-key");

        var differences = Diff("dhcpd", primary, secondary);

        Assert.Equal(new[]
        {
            $"dhcpd/lan/ddnsdomainkey:  -> {ConfigSecrets.Mask("bm90LWEtcmVhbC10c2lnLWtleQ==")}",
            "dhcpd/lan/ddnsdomainkeyname:  -> lan-update-key",
        }, differences.Select(d => d.ToString()));
        Assert.DoesNotContain("bm90LWEtcmVhbC10c2lnLWtleQ", Lines(differences));
    }

    [Fact]
    public void Ipsec_keys_in_the_real_section_show_that_they_differ_never_their_values()
    {
        var primary = Load(Ipsec);
        var secondary = Load(Ipsec);
        var tunnel = Phase1(secondary, "test_tunnel");
        tunnel.SetElementValue("pre-shared-key", "4321");
        tunnel.SetElementValue("private-key", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t");
        // Only looks like a secret: stays readable.
        tunnel.Element("encryption")!.Elements("item").First().Element("encryption-algorithm")!.SetElementValue("keylen", "256");

        var differences = Diff("ipsec", primary, secondary);

        Assert.Equal(new[]
        {
            "ipsec/phase1[descr=test_tunnel]/encryption/item[0]/encryption-algorithm/keylen: 128 -> 256",
            $"ipsec/phase1[descr=test_tunnel]/pre-shared-key: {ConfigSecrets.Mask("1234")} -> {ConfigSecrets.Mask("4321")}",
            $"ipsec/phase1[descr=test_tunnel]/private-key:  -> {ConfigSecrets.Mask("LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t")}",
        }, differences.Select(d => d.ToString()));
        Assert.DoesNotContain("1234", Lines(differences));
        Assert.DoesNotContain("4321", Lines(differences));
        Assert.DoesNotContain("LS0tLS1", Lines(differences));
    }

    [Fact]
    public void Mobile_client_keys_are_one_secret_subtree_identities_and_all()
    {
        // ipsec/mobilekey entries as vpn_ipsec_keys_edit.php writes them (pfsense/pfsense @0284d79e), added to the real section.
        XElement MobileKey(string ident, string psk) => new("mobilekey",
            new XElement("ident", ident), new XElement("type", "PSK"), new XElement("pre-shared-key", psk),
            new XElement("ident_type", ""), new XElement("pool_address", ""), new XElement("pool_netbits", "0"), new XElement("dns_address", ""));
        var primary = Load(Ipsec);
        var secondary = Load(Ipsec);
        primary.Root!.Element("ipsec")!.Add(MobileKey("roadwarrior@example.com", "first-psk"));
        secondary.Root!.Element("ipsec")!.Add(MobileKey("roadwarrior@example.com", "second-psk"));

        var difference = Assert.Single(Diff("ipsec", primary, secondary));

        Assert.Equal("ipsec/mobilekey", difference.Path);
        Assert.Matches(@"\A\(secret #[0-9a-f]{8}\)\z", difference.PrimaryValue);
        Assert.Matches(@"\A\(secret #[0-9a-f]{8}\)\z", difference.SecondaryValue);
        Assert.NotEqual(difference.PrimaryValue, difference.SecondaryValue);
        Assert.Empty(Diff("ipsec", primary, primary));
    }

    [Fact]
    public void A_users_authorized_keys_and_ipsec_psk_are_masked_in_the_real_default_config()
    {
        var primary = Load(SyncFixtures.Default232);
        var secondary = Load(SyncFixtures.Default232);
        var admin = secondary.Root!.Element("system")!.Element("user")!;
        admin.SetElementValue("authorizedkeys", "c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTU=");
        admin.SetElementValue("ipsecpsk", "my-ipsec-psk");

        var differences = ConfigDiff.Compare("system/user", PfConfig.Load(primary).Section("system/user"),
            PfConfig.Load(secondary).Section("system/user"), new ConfigDiffOptions { AdminSync = true });

        Assert.Equal(new[] { "system/user[name=admin]/authorizedkeys", "system/user[name=admin]/ipsecpsk" }, differences.Select(d => d.Path));
        Assert.DoesNotContain("c3NoLWVkMjU1MTk", Lines(differences));
        Assert.DoesNotContain("my-ipsec-psk", Lines(differences));
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("bcrypt-hash", true)]
    [InlineData("sha512-hash", true)]
    [InlineData("prv", true)]
    [InlineData("tls", true)]
    [InlineData("pre-shared-key", true)]
    [InlineData("ipsecpsk", true)]
    [InlineData("vouchersyncpass", true)]
    [InlineData("radiuskey", true)]
    [InlineData("radiuskey2", true)]
    [InlineData("radius_secret", true)]
    [InlineData("ldap_bindpw", true)]
    [InlineData("ddnsdomainkey", true)]
    [InlineData("authorizedkeys", true)]
    [InlineData("rocommunity", true)]
    [InlineData("encryption_password", true)]
    [InlineData("keylen", false)]
    [InlineData("rekey_time", false)]
    [InlineData("hash-algorithm", false)]
    [InlineData("ddnsdomainkeyname", false)]
    [InlineData("ddnsdomainkeyalgorithm", false)]
    [InlineData("sshdkeyonly", false)]
    [InlineData("passtos", false)]
    [InlineData("passthrumac", false)]
    [InlineData("private_subnet_proxy_off", false)]
    public void Secret_names_follow_pfsenses_element_names(string name, bool secret)
    {
        Assert.Equal(secret, ConfigSecrets.IsSecret(name));
    }

    [Fact]
    public void The_tag_is_stable_in_a_process_and_is_no_plain_hash_of_the_value()
    {
        var plain = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("1234")))[..8].ToLowerInvariant();

        Assert.Equal(ConfigSecrets.Mask("1234"), ConfigSecrets.Mask("1234"));
        Assert.NotEqual(ConfigSecrets.Mask("1234"), ConfigSecrets.Mask("12345"));
        Assert.DoesNotContain(plain, ConfigSecrets.Mask("1234"));
    }
}
