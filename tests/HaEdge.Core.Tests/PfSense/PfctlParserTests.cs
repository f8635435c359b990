using HaEdge.Core.Pfsync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

public class PfctlParserTests
{
    [Fact]
    public void Real_VerboseInfo_HostIdChecksumAndStateTableNotSourceTracking()
    {
        var info = PfctlInfoParser.Parse(RealFixture.Body("pfctl-si/tykling-pfctl-exporter-freebsd-vsi-full.txt"));

        Assert.True(info.Enabled);
        Assert.Equal(new TimeSpan(25, 16, 23, 32), info.Uptime);
        Assert.Equal("Urgent", info.Debug);
        Assert.Equal("68d01842", info.HostId);
        Assert.Equal("1d921dc03c175342eebc265ff2573361", info.Checksum);
        Assert.Equal(2, info.StateEntries);
        Assert.Equal((5165885L, (double?)2.3), (info.StateSearches!.Total, info.StateSearches.RatePerSecond));
        Assert.Equal((94115L, (double?)0.0), (info.StateInserts!.Total, info.StateInserts.RatePerSecond));
        Assert.Equal(94113, info.StateRemovals!.Total);
        Assert.Equal(0, info.SourceTrackingEntries);
        Assert.Equal(16, info.Counters.Count);
        Assert.Equal(("match", 3177960L, (double?)1.4), (info.Counters[0].Name, info.Counters[0].Total, info.Counters[0].RatePerSecond));
        Assert.Equal("map-failed", info.Counters[^1].Name);
    }

    [Fact]
    public void Real_Telegraf_ShortUptimeAndTrailingBlanksAfterCurrentEntries()
    {
        var info = PfctlInfoParser.Parse(RealFixture.Body("pfctl-si/telegraf-pf-test-freebsd-26min.txt"));

        Assert.True(info.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(26 * 60 + 5), info.Uptime);
        Assert.Equal(2, info.StateEntries);
        Assert.Equal(11325, info.StateSearches!.Total);
        Assert.Equal(7.2, info.StateSearches.RatePerSecond);
        Assert.Equal(5, info.StateInserts!.Total);
        Assert.Equal(3, info.StateRemovals!.Total);
        Assert.Null(info.HostId);
        Assert.Null(info.Checksum);
        Assert.Null(info.SourceTrackingEntries);
        Assert.Equal(15, info.Counters.Count);
        Assert.Equal(11226, info.Counters.Single(c => c.Name == "match").Total);
    }

    [Fact]
    public void Real_Fail2banPartial_SAllInfoSectionCutAfterCounters()
    {
        var info = PfctlInfoParser.Parse(RealFixture.Body("pfctl-si/fail2ban-1924-freebsd11-s-all-info-partial.txt"));

        Assert.True(info.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(18 * 60 + 25), info.Uptime);
        Assert.Equal("Urgent", info.Debug);
        Assert.Equal(0, info.StateEntries);
        Assert.Equal(3277, info.StateSearches!.Total);
        Assert.Equal(3.0, info.StateSearches.RatePerSecond);
        Assert.Equal(12, info.Counters.Count);
        Assert.Equal("state-insert", info.Counters[^1].Name);
    }

    [Fact]
    public void FromSource_DisabledWithoutDurationAndFirstSecondRates()
    {
        var info = PfctlInfoParser.Parse(
            "Status: Disabled                                Debug: None\n\n" +
            "State Table                          Total             Rate\n" +
            "  current entries                        0               \n" +
            "  searches                               0               \n");

        Assert.False(info.Enabled);
        Assert.Null(info.Uptime);
        Assert.Equal("None", info.Debug);
        Assert.Null(info.StateSearches!.RatePerSecond);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("State Table  Total  Rate\n  current entries   2", "no 'Status")]
    [InlineData("Status: Enabled for 0 days 00:1", "the Status line is incomplete")]
    [InlineData("Status: Enabled for 0 days 00:18:25           Debug: Urgent\n\nState Table                          Total             Rate\n", "no 'current entries'")]
    [InlineData("Status: Enabled for 0 days 00:18:25           Debug: Urgent\n\nState Table                          Total             Rate\n  current entries", "not 'name total")]
    [InlineData("Status: Enabled for 0 days 00:18:25           Debug: Urgent\n\nState Table                          Total             Rate\n  current entries   two", "not 'name total")]
    [InlineData("Status: Enabled for 0 days 00:18:25           Debug: Urgent\nSource Tracking Table\n  current entries   5\n", "no 'current entries' line in the State Table")]
    public void Unreadable_ThrowsNamingTheKind(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => PfctlInfoParser.Parse(text));

        Assert.Contains("pfctl -si", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_AnUnreadableHostIdAndCounter_AreSkippedAndReported()
    {
        var body = RealFixture.Body("pfctl-si/tykling-pfctl-exporter-freebsd-vsi-full.txt")
            .Replace("Hostid:   0x68d01842", "Hostid:   0xZZ").Replace("  inserts                            94115            0.0/s", "  inserts");

        var parsed = PfctlInfoParser.Read(body);

        Assert.Equal((null, 2L, (long?)94113), (parsed.Value.HostId, parsed.Value.StateEntries, parsed.Value.StateRemovals?.Total));
        Assert.Null(parsed.Value.StateInserts);
        Assert.Equal(new[] { "Hostid: '0xZZ' is not a hex number", "not 'name total [rate/s]'" }, parsed.Skipped.Select(s => s.Reason));
    }

    [Fact]
    public void FromSource_Creators_TitleThenHostIds()
    {
        Assert.Equal(new[] { "68d01842", "0a1b2c3d" }, PfctlCreatorParser.Parse(FromSource.PfctlCreators));
    }

    [Fact]
    public void Creators_WithoutTitleAndShortIds_AreNormalised()
    {
        Assert.Equal(new[] { "00000abc" }, PfctlCreatorParser.Parse("abc\n"));
    }

    [Fact]
    public void Creators_FromTheStatesWalk_HaveNoTitle()
    {
        // pfctl -vvss | awk '/creatorid:/ {print $4;}' | sort -u, as pfSense 2.7.0 reads them (status_carp.php l.239).
        Assert.Equal(new[] { "0a1b2c3d", "68d01842" }, PfctlCreatorParser.Parse("0a1b2c3d\n68d01842\n"));
    }

    [Fact]
    public void Creators_ALineThatIsNoHostId_IsSkippedAndReported()
    {
        var parsed = PfctlCreatorParser.Read(">>> Launching rc.local in background...\nCreator IDs:\n68d01842\nnot-an-id\n0a1b2c3d\n");

        Assert.Equal(new[] { "68d01842", "0a1b2c3d" }, parsed.Value);
        Assert.Equal(new[] { (1, "not a host id"), (4, "not a host id") }, parsed.Skipped.Select(s => (s.Number, s.Reason)));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("pfctl: /dev/pf: Permission denied", "no 'Creator IDs:' title and no host id; skipped: line 1 'pfctl: /dev/pf: Permission denied'")]
    public void Creators_Unreadable_ThrowsNamingTheKind(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => PfctlCreatorParser.Parse(text));

        Assert.Contains("pfctl -sc", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }
}
