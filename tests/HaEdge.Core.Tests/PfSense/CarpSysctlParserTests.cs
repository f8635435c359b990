using HaEdge.Core.Carp;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

public class CarpSysctlParserTests
{
    [Fact]
    public void Real_OpnSense197_AllSixValuesNoDscp()
    {
        var sysctl = CarpSysctlParser.Parse(RealFixture.Body("carp-sysctl/opnsense-core-3671-fw1-sysctl-net.inet.carp.txt"));

        Assert.True(sysctl.Allow);
        Assert.True(sysctl.Preempt);
        Assert.Equal(1, sysctl.Log);
        Assert.Equal(0, sysctl.Demotion);
        Assert.Equal(240, sysctl.SendErrorDemotionFactor);
        Assert.Equal(240, sysctl.InterfaceDownDemotionFactor);
        Assert.Null(sysctl.Dscp);
        Assert.Empty(sysctl.Other);
    }

    [Fact]
    public void FromSource_PfSenseDemotedAndDisabled_WithDscpAndUnknownKeysKept()
    {
        var sysctl = CarpSysctlParser.Parse(FromSource.CarpSysctlPfSense + "net.inet.carp.future_knob: 7\n");

        Assert.False(sysctl.Allow);
        Assert.Equal(240, sysctl.Demotion);
        Assert.Equal(0, sysctl.SendErrorDemotionFactor);
        Assert.Equal(56, sysctl.Dscp);
        Assert.Equal("7", Assert.Single(sysctl.Other, p => p.Key == "future_knob").Value);
    }

    [Fact]
    public void EqualsSignFormAndNegativeDemotion_AreRead()
    {
        var text = FromSource.CarpSysctlPfSense.Replace(": ", "=", StringComparison.Ordinal).Replace("demotion=240\n", "demotion=-10\n", StringComparison.Ordinal);

        Assert.Equal(-10, CarpSysctlParser.Parse(text).Demotion);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("kern.hostname: fw1", "line 1 'kern.hostname: fw1' (not a net.inet.carp.* value)")]
    [InlineData("net.inet.carp.ifdown_demotion_factor: 240\nnet.inet.carp.senderr_demotion_factor: 240\nnet.inet.carp.demo", "line 3")]
    [InlineData("net.inet.carp.ifdown_demotion_factor: 240\nnet.inet.carp.senderr_demotion_factor: 240", "net.inet.carp.allow is missing")]
    [InlineData("net.inet.carp.allow: yes", "allow 'yes'")]
    public void Unreadable_ThrowsNamingTheKind(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => CarpSysctlParser.Parse(text));

        Assert.Contains("sysctl net.inet.carp", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_that_is_no_carp_value_and_an_unreadable_dscp_are_skipped_and_reported()
    {
        var parsed = CarpSysctlParser.Read(">>> Launching rc.local in background...\n" + FromSource.CarpSysctlPfSense.Replace("dscp: 56", "dscp: x"));

        Assert.Equal(new[] { (1, "not a net.inet.carp.* value"), (7, "net.inet.carp.dscp 'x' is not a number from 0 to 63") },
            parsed.Skipped.Select(s => (s.Number, s.Reason)));
        Assert.Equal((240, false, (int?)null), (parsed.Value.Demotion, parsed.Value.Allow, parsed.Value.Dscp));
    }
}
