using HaEdge.Core.Carp;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

public class PfSenseOutputTests
{
    /// <summary>Every captured sample of the kinds HaEdge reads, with the kind it is (the dpinger and kernel-log samples
    /// of the same folders are other formats HaEdge does not parse).</summary>
    public static TheoryData<PfSenseOutputKind, string, Type> RealSamples() => new()
    {
        { PfSenseOutputKind.Ifconfig, "ifconfig-carp/bsdrp-multitenant-jail11-grep-master.txt", typeof(IfconfigOutput) },
        { PfSenseOutputKind.Ifconfig, "ifconfig-carp/bsdrp-pf-carp-lab-vm2-master.txt", typeof(IfconfigOutput) },
        { PfSenseOutputKind.Ifconfig, "ifconfig-carp/bsdrp-pf-carp-lab-vm3-backup.txt", typeof(IfconfigOutput) },
        { PfSenseOutputKind.Ifconfig, "ifconfig-carp/opnsense-core-1549-vtnet0-master-kvm.txt", typeof(IfconfigOutput) },
        { PfSenseOutputKind.Ifconfig, "ifconfig-carp/opnsense-core-3671-fw1-grep-master.txt", typeof(IfconfigOutput) },
        { PfSenseOutputKind.Ifconfig, "ifconfig-carp/opnsense-core-3671-fw2-grep-backup.txt", typeof(IfconfigOutput) },
        { PfSenseOutputKind.CarpSysctl, "carp-sysctl/opnsense-core-3671-fw1-sysctl-net.inet.carp.txt", typeof(CarpSysctl) },
        { PfSenseOutputKind.PfctlInfo, "pfctl-si/fail2ban-1924-freebsd11-s-all-info-partial.txt", typeof(PfctlInfo) },
        { PfSenseOutputKind.PfctlInfo, "pfctl-si/telegraf-pf-test-freebsd-26min.txt", typeof(PfctlInfo) },
        { PfSenseOutputKind.PfctlInfo, "pfctl-si/tykling-pfctl-exporter-freebsd-vsi-full.txt", typeof(PfctlInfo) },
        { PfSenseOutputKind.Pfsync, "pfsync/htb-sense-pfsense-2.1.3-ifconfig-pfsync0.txt", typeof(PfsyncStatus) },
        { PfSenseOutputKind.Pfsync, "pfsync/unixwinbsd-freebsd13.2-pfsync0-unconfigured.txt", typeof(PfsyncStatus) },
        { PfSenseOutputKind.GatewayStatus, "gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt", typeof(List<GatewayStatus>) },
    };

    [Theory]
    [MemberData(nameof(RealSamples))]
    public void EntryPoint_ReturnsTheKindsModelForEveryRealSample(PfSenseOutputKind kind, string file, Type expected)
    {
        Assert.IsType(expected, PfSenseOutput.Parse(kind, RealFixture.Body(file)));
    }

    [Fact]
    public void EveryRealSampleFileOfTheseKinds_IsCoveredOrKnownToBeAnotherFormat()
    {
        var otherFormats = new[]
        {
            "carp-sysctl/opnsense-core-1920-kernel-vlan-lagg-carp-log.txt",
            "carp-sysctl/opnsense-core-2780-kernel-init-demotion-log.txt",
            "carp-sysctl/opnsense-core-3671-kernel-demotion-log.txt",
            "gateway-status/opnsense-core-4971-dpinger-syslog.txt",
            "gateway-status/opnsense-core-7635-dpinger-foreground-stdout.txt",
        };
        var covered = RealSamples().Select(row => (string)row[1]).Concat(otherFormats).OrderBy(f => f, StringComparer.Ordinal);
        var present = new[] { "ifconfig-carp", "carp-sysctl", "pfctl-si", "pfsync", "gateway-status" }.SelectMany(k => RealFixture.Files(k));

        Assert.Equal(present.OrderBy(f => f, StringComparer.Ordinal), covered);
    }

    [Fact]
    public void EntryPoint_GatewayStatusDetectsJson()
    {
        Assert.IsType<List<GatewayStatus>>(PfSenseOutput.Parse(PfSenseOutputKind.GatewayStatus, "  " + FromSource.GatewayJsonCurrent));
    }

    [Theory]
    [InlineData(PfSenseOutputKind.Ifconfig, "ifconfig")]
    [InlineData(PfSenseOutputKind.CarpSysctl, "sysctl net.inet.carp")]
    [InlineData(PfSenseOutputKind.PfctlInfo, "pfctl -si")]
    [InlineData(PfSenseOutputKind.PfctlCreators, "pfctl -sc")]
    [InlineData(PfSenseOutputKind.Pfsync, "ifconfig pfsync0")]
    [InlineData(PfSenseOutputKind.GatewayStatus, "gateway status")]
    [InlineData(PfSenseOutputKind.GatewayGroups, "gateway groups")]
    [InlineData(PfSenseOutputKind.RouteGet, "route -n get")]
    public void EntryPoint_EmptyAndNullText_NameTheKind(PfSenseOutputKind kind, string name)
    {
        foreach (var text in new[] { "", "\n", null! })
        {
            var error = Assert.Throws<HaEdgeException>(() => PfSenseOutput.Parse(kind, text));
            Assert.Equal(("PfSenseOutputUnparsable", FailureKind.InvalidData), (error.ErrorId, error.Kind));
            Assert.StartsWith($"Cannot read the {name} output: the text is empty", error.Message, StringComparison.Ordinal);
        }
    }
}
