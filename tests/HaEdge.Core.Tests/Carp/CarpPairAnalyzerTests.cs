using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using Xunit;
using static HaEdge.Core.Tests.Carp.CarpSamples;

namespace HaEdge.Core.Tests.Carp;

/// <summary>The flags and verdicts, on the real OPNsense pair where it covers the case and from-source lines where not.</summary>
public class CarpPairAnalyzerTests
{
    private static CarpNodeReading Node(string name, FirewallRole role, string ifconfig, string sysctl) =>
        new(name, role, IfconfigParser.Parse(ifconfig).Vips, CarpSysctlParser.Parse(sysctl));

    private static IReadOnlyList<CarpVipStatus> Pair(string fw1Ifconfig, string fw1Sysctl, string fw2Ifconfig, string fw2Sysctl) =>
        CarpPairAnalyzer.Evaluate(Node("fw1", FirewallRole.Primary, fw1Ifconfig, fw1Sysctl), Node("fw2", FirewallRole.Secondary, fw2Ifconfig, fw2Sysctl));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(100, 0, 100)]
    [InlineData(100, 240, 240)]
    [InlineData(254, 0, 240)]
    [InlineData(0, -50, 0)]
    public void Effective_skew_is_clamped_like_the_kernel(int advSkew, int demotion, int expected) =>
        Assert.Equal(expected, CarpPairAnalyzer.EffectiveSkew(advSkew, demotion));

    [Fact]
    public void Demotion_is_flagged_with_the_value_and_raises_the_effective_skew()
    {
        var rows = Pair(Fw1Master, Fw1Sysctl, Fw2Backup, Fw1SysctlWith("demotion", "240"));

        var fw2 = rows.First(r => r.Firewall == "fw2");
        Assert.Equal((240, 240), (fw2.Demotion, fw2.EffectiveSkew));
        Assert.All(rows, r => Assert.Equal((CarpPairVerdict.Healthy, CarpFlags.Demoted), (r.Verdict, r.Flags)));
        Assert.Contains("fw2: net.inet.carp.demotion is 240, added to the advskew of every VIP it has.", fw2.Reasons);
    }

    [Fact]
    public void Carp_disabled_degrades_and_is_flagged()
    {
        var rows = Pair(Fw1Master, Fw1Sysctl, Fw2Backup, Fw1SysctlWith("allow", "0"));

        Assert.All(rows, r => Assert.Equal((CarpPairVerdict.Degraded, CarpFlags.CarpDisabled), (r.Verdict, r.Flags)));
        Assert.Contains("fw2: CARP is disabled (net.inet.carp.allow=0).", rows[0].Reasons);
    }

    [Fact]
    public void From_source_maintenance_mode_left_on_is_flagged()
    {
        // fw1 in maintenance (advskew 254, pfSense's interface_carp_configure) and fw2 MASTER of both VIPs.
        var fw1 = FromSourceCarpLine("BACKUP", 3, 254) + FromSourceCarpLine("BACKUP", 1, 254);
        var fw2 = FromSourceCarpLine("MASTER", 3, 100) + FromSourceCarpLine("MASTER", 1, 100);

        var rows = Pair(fw1, Fw1Sysctl, fw2, FromSourceSysctlHealthy);

        Assert.All(rows.Where(r => r.Firewall == "fw1"), r => Assert.Equal((true, 240), (r.Maintenance, r.EffectiveSkew)));
        Assert.All(rows, r => Assert.Equal((CarpPairVerdict.Healthy, CarpFlags.MaintenanceOn), (r.Verdict, r.Flags)));
        Assert.Contains("fw1 is in CARP maintenance mode (advskew 254).", rows[0].Reasons);
    }

    [Fact]
    public void From_source_primary_skew_of_140_is_flagged_on_that_vip_only()
    {
        var fw1 = FromSourceCarpLine("MASTER", 3, 150) + FromSourceCarpLine("MASTER", 1, 0);

        var rows = Pair(fw1, Fw1Sysctl, Fw2Backup, FromSourceSysctlHealthy);

        Assert.All(rows.Where(r => r.Vhid == 3), r => Assert.Equal(CarpFlags.PrimarySkewTooHigh, r.Flags));
        Assert.All(rows.Where(r => r.Vhid == 1), r => Assert.Equal(CarpFlags.None, r.Flags));
    }

    [Fact]
    public void From_source_vips_split_across_the_nodes_are_flagged()
    {
        var fw1 = FromSourceCarpLine("MASTER", 3, 0) + FromSourceCarpLine("BACKUP", 1, 0);
        var fw2 = FromSourceCarpLine("BACKUP", 3, 100) + FromSourceCarpLine("MASTER", 1, 100);

        var rows = Pair(fw1, Fw1Sysctl, fw2, FromSourceSysctlHealthy);

        Assert.All(rows, r => Assert.Equal((CarpPairVerdict.Healthy, CarpFlags.SplitAcrossNodes), (r.Verdict, r.Flags)));
        Assert.Contains("The VIPs are split: fw1 and fw2 are each MASTER of some of them.", rows[0].Reasons);
    }

    [Fact]
    public void From_source_init_degrades_the_vip()
    {
        var fw2 = FromSourceCarpLine("INIT", 3, 100) + FromSourceCarpLine("BACKUP", 1, 100);

        var rows = Pair(Fw1Master, Fw1Sysctl, fw2, FromSourceSysctlHealthy);

        Assert.All(rows.Where(r => r.Vhid == 3), r => Assert.Equal(CarpPairVerdict.Degraded, r.Verdict));
        Assert.All(rows.Where(r => r.Vhid == 1), r => Assert.Equal(CarpPairVerdict.Healthy, r.Verdict));
        Assert.Contains("vhid 3 is INIT on fw2 (interface down or CARP disabled).", rows[0].Reasons);
    }

    [Fact]
    public void A_vip_on_one_node_only_is_degraded()
    {
        var fw2 = FromSourceCarpLine("BACKUP", 1, 100);

        var rows = Pair(Fw1Master, Fw1Sysctl, fw2, FromSourceSysctlHealthy);

        var only = Assert.Single(rows, r => r.Vhid == 3);
        Assert.Equal((CarpPairVerdict.Degraded, (HaEdge.Core.Carp.CarpState?)null), (only.Verdict, only.PeerState));
        Assert.Contains("fw2 has no vhid 3.", only.Reasons);
    }

    [Fact]
    public void The_same_vhid_on_two_interfaces_is_two_vips()
    {
        var rows = Pair(Vm2Master, Fw1Sysctl, Vm3Backup, FromSourceSysctlHealthy);

        Assert.Equal(8, rows.Count);
        Assert.Equal(4, rows.Select(r => (r.Interface, r.Vhid)).Distinct().Count());
    }
}
