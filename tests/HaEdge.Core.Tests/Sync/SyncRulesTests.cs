using System.Xml.Linq;
using HaEdge.Core.ConfigSync;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

/// <summary>
/// The differences a correctly synced pfSense pair keeps for ever (SyncRules): expected, each with its rule, while a
/// real change on the secondary stays drift. The accounts are the real factory config's (23.2: admin uid 0 with its
/// bcrypt hash, groups all 1998 and admins 1999); what the secondary holds is what xmlrpc.php restore_config_section
/// and auth.inc local_sync_accounts leave there (RELENG_2_7_2 l.263-336, auth.inc l.472).
/// </summary>
public class SyncRulesTests
{
    private const string SecondaryAdminHash = "$2y$10$Q3mJ0b8xW2c1QmZr1y0nUe1f3m4o9dYc9xj7Zp1Gq2Q1e4Xw5o6rS";

    private static XDocument Primary()
    {
        // An operator added on the primary through the user manager: uid 2000 (nextuid), member of admins and all.
        var config = XDocument.Parse(SyncFixtures.Xml(SyncFixtures.Default232));
        var system = config.Root!.Element("system")!;
        system.Elements("user").Last().AddAfterSelf(XElement.Parse(
            "<user><name>operator</name><descr><![CDATA[Night shift]]></descr><scope>user</scope><groupname>admins</groupname>" +
            "<bcrypt-hash>$2y$10$kH3q0zv1Yb5cVq2n8Lr0f.8t9z1QmWqg3mXcR4pA6sT2uV7wX9yZa</bcrypt-hash><uid>2000</uid></user>"));
        foreach (var group in system.Elements("group")) group.Element("member")!.AddAfterSelf(new XElement("member", "2000"));
        system.Element("nextuid")!.Value = "2001";
        return config;
    }

    /// <summary>The secondary after a sync from <see cref="Primary"/>: its own admin hash and its own 'all' group.</summary>
    private static XDocument SyncedSecondary()
    {
        var config = Primary();
        var system = config.Root!.Element("system")!;
        system.Elements("user").Single(u => (string?)u.Element("name") == "admin").Element("bcrypt-hash")!.Value = SecondaryAdminHash;
        // 'all' (gid 1998) stays the secondary's own: it was installed before the operator was synced.
        system.Elements("group").Single(g => (string?)g.Element("name") == "all").Elements("member").Where(m => m.Value == "2000").Remove();
        return config;
    }

    private static IReadOnlyList<ConfigDifference> Accounts(XDocument primary, XDocument secondary, bool adminSync = false) =>
        new[] { "system/user", "system/group" }
            .SelectMany(section => ConfigDiff.Compare(section, PfConfig.Load(primary).Section(section), PfConfig.Load(secondary).Section(section),
                new ConfigDiffOptions { AdminSync = adminSync }))
            .ToList();

    private static XElement Account(XDocument config, string kind, string name) =>
        config.Root!.Element("system")!.Elements(kind).Single(e => (string?)e.Element("name") == name);

    [Fact]
    public void A_synced_pair_keeps_the_secondarys_admin_and_all_group_as_expected_differences()
    {
        var primary = Primary();
        var secondary = SyncedSecondary();
        var differences = Accounts(primary, secondary);

        string Hash(XDocument config) => ConfigSecrets.Mask(Account(config, "user", "admin").Element("bcrypt-hash")!.Value);
        Assert.Equal(new[]
        {
            $"system/user[name=admin]/bcrypt-hash: {Hash(primary)} -> {Hash(secondary)} (expected: UserKeptLocal)",
            "system/group[name=all]/member: 2000 -> (absent) (expected: GroupKeptLocal)",
        }, differences.Select(d => d.ToString()));
        Assert.All(differences, d => Assert.True(d.Expected));
        Assert.Contains("uid < 2000", differences[0].Reason);
    }

    [Fact]
    public void With_synchronize_admin_on_the_admin_hash_is_drift()
    {
        var difference = Accounts(Primary(), SyncedSecondary(), adminSync: true).First();

        Assert.Equal("system/user[name=admin]/bcrypt-hash", difference.Path);
        Assert.False(difference.Expected);
    }

    [Fact]
    public void Changes_on_the_secondary_to_synced_accounts_are_drift()
    {
        var secondary = SyncedSecondary();
        Account(secondary, "user", "operator").Element("descr")!.ReplaceAll(new XCData("Changed on fw2"));
        // admins is gid 1999, not < 1999: the primary's replaces it.
        Account(secondary, "group", "admins").Add(new XElement("priv", "user-shell-access"));
        Account(secondary, "user", "operator").AddAfterSelf(XElement.Parse("<user><name>temp</name><scope>user</scope><uid>2001</uid></user>"));

        var drift = Accounts(Primary(), secondary).Where(d => !d.Expected).Select(d => d.ToString());

        Assert.Equal(new[]
        {
            "system/user[name=operator]/descr: Night shift -> Changed on fw2",
            // A user only the secondary has, uid >= 2000: the next sync deletes it.
            "system/user[name=temp]: (absent) -> {name: temp, scope: user, uid: 2001}",
            "system/group[name=admins]/priv: (absent) -> user-shell-access",
        }, drift);
    }

    [Fact]
    public void Accounts_only_the_secondary_has_below_the_system_ranges_are_kept()
    {
        var secondary = SyncedSecondary();
        var system = secondary.Root!.Element("system")!;
        system.Elements("user").Last().AddAfterSelf(XElement.Parse("<user><name>console</name><scope>system</scope><uid>1001</uid></user>"));
        system.Elements("group").Last().AddAfterSelf(XElement.Parse("<group><name>wheel</name><scope>system</scope><gid>1990</gid></group>"));

        var added = Accounts(Primary(), secondary).Where(d => d.PrimaryValue == null).ToList();

        Assert.Equal(new[] { "system/user[name=console] UserKeptLocal", "system/group[name=wheel] GroupKeptLocal" },
            added.Select(d => $"{d.Path} {d.Rule}"));
    }

    [Theory]
    [InlineData("admin,alice,operator", "AccountsSortedByName")] // local_sync_accounts sorted them
    [InlineData("alice,operator,admin", null)]                   // not sorted: someone reordered them
    public void A_secondary_that_sorted_the_accounts_by_name_differs_in_order_as_expected(string secondaryOrder, string? rule)
    {
        // alice was created on the primary after operator, so it comes after it there.
        var primary = Primary();
        Account(primary, "user", "operator").AddAfterSelf(XElement.Parse("<user><name>alice</name><scope>user</scope><uid>2001</uid></user>"));
        var secondary = XDocument.Parse(primary.ToString());
        var system = secondary.Root!.Element("system")!;
        var users = secondaryOrder.Split(',').Select(name => Account(secondary, "user", name)).ToList();
        system.Elements("user").Remove();
        system.Element("nextuid")!.AddBeforeSelf(users);

        var order = Assert.Single(Accounts(primary, secondary));

        Assert.Equal(("system/user(order)", "operator, alice"), (order.Path, order.PrimaryValue));
        Assert.Equal(rule, order.Rule);
    }
}
