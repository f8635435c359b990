using HaEdge.Core.Pfsync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

public class PfsyncParserTests
{
    [Fact]
    public void Real_PfSense213_PeerMaxupdAndSyncOkOnOneLine()
    {
        var pfsync = PfsyncParser.Parse(RealFixture.Body("pfsync/htb-sense-pfsense-2.1.3-ifconfig-pfsync0.txt"));

        Assert.Equal(new PfsyncStatus
        {
            Interface = "pfsync0", Configured = false, SyncPeer = "224.0.0.240", MaxUpdates = 128, SyncOk = true,
        }, pfsync);
    }

    [Fact]
    public void Real_FreeBsd132_Unconfigured_DeferAndSeparateSyncOkNoVersion()
    {
        var pfsync = PfsyncParser.Parse(RealFixture.Body("pfsync/unixwinbsd-freebsd13.2-pfsync0-unconfigured.txt"));

        Assert.Equal(new PfsyncStatus
        {
            Interface = "pfsync0", Configured = false, SyncPeer = "0.0.0.0", MaxUpdates = 128, Defer = false, SyncOk = true,
        }, pfsync);
    }

    [Fact]
    public void FromSource_FreeBsd8_UnconfiguredPrintsOnlyTheHeader()
    {
        var pfsync = PfsyncParser.Parse("pfsync0: flags=0<> metric 0 mtu 1460\n");

        Assert.Equal(new PfsyncStatus { Interface = "pfsync0" }, pfsync);
    }

    [Fact]
    public void FromSource_FreeBsd10_PfsyncPrefixAndDefer()
    {
        var pfsync = PfsyncParser.Parse(FromSource.PfsyncFreeBsd10);

        Assert.Equal(new PfsyncStatus
        {
            Interface = "pfsync0", Configured = true, SyncDev = "em1", SyncPeer = "10.0.0.2", MaxUpdates = 128, Defer = false,
        }, pfsync);
    }

    [Fact]
    public void FromSource_FreeBsd14_BlockPickedOutOfAWholeIfconfigListing()
    {
        var pfsync = PfsyncParser.Parse(FromSource.PfsyncFreeBsd14InIfconfig);

        Assert.Equal(new PfsyncStatus
        {
            Interface = "pfsync0", Configured = true, SyncDev = "vtnet2", SyncPeer = "198.51.100.2", MaxUpdates = 128,
            Defer = false, Version = 1400, SyncOk = true,
        }, pfsync);
    }

    [Fact]
    public void FromSource_ContinuationLinesOnly_SyncNotOk()
    {
        var pfsync = PfsyncParser.Parse("\tsyncdev: igb4 maxupd: 128 defer: on version: 1500\n\tsyncok: 0\n");

        Assert.Equal((true, "igb4", (string?)null, (bool?)true, (int?)1500, (bool?)false),
            (pfsync.Configured, pfsync.SyncDev, pfsync.SyncPeer, pfsync.Defer, pfsync.Version, pfsync.SyncOk));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("ifconfig: interface pfsync0 does not exist", "no pfsync interface header")]
    [InlineData("em0: flags=8843<UP> metric 0 mtu 1500\n\tinet 192.0.2.1 netmask 0xffffff00\n", "has no pfsync interface")]
    public void Unreadable_ThrowsNamingTheKind(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => PfsyncParser.Parse(text));

        Assert.Contains("ifconfig pfsync0", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pfsync0: flags=0<> metric 0 mtu 1500\n\tsyncpeer: 0.0.0.0 maxupd:\n\tsyncok: 1", 2, "maxupd: has no value")]
    [InlineData("pfsync0: flags=0<> metric 0 mtu 1500\n\tsyncpeer: 0.0.0.0 maxupd: 128 defer: maybe\n\tsyncok: 1", 2, "defer: 'maybe' is neither on nor off")]
    [InlineData(">>> Launching rc.local in background...\npfsync0: flags=0<> metric 0 mtu 1500\n\tsyncpeer: 0.0.0.0\n\tsyncok: 1", 1, "neither an interface header")]
    [InlineData("pfsync0: flags=0<> metric 0 mtu 1500\n\tsyncpeer: 0.0.0.0\n[2.7.2-RELEASE][admin@fw1]/root: \n\tsyncok: 1", 3, "not a pfsync detail line")]
    public void A_field_or_line_it_cannot_read_is_skipped_and_reported_and_the_rest_read(string text, int line, string reason)
    {
        var parsed = PfsyncParser.Read(text);

        var skipped = Assert.Single(parsed.Skipped);
        Assert.Equal(line, skipped.Number);
        Assert.Contains(reason, skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(("0.0.0.0", true), (parsed.Value.SyncPeer, parsed.Value.SyncOk!.Value));
    }
}
