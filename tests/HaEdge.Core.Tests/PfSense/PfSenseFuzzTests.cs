using System.Diagnostics;
using HaEdge.Core.PfSense;
using HaEdge.Core.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HaEdge.Core.Tests.PfSense;

/// <summary>
/// Each parser gets 10,000 mutated samples (the real ones where they exist; the from-source shapes for the formats that
/// have no captured sample: gateway JSON, gateway groups, pfctl -sc, route get). Every call must return a result or
/// throw HaEdgeException; anything else is a parser bug.
/// </summary>
public class PfSenseFuzzTests
{
    private const int Iterations = 10_000;

    private readonly ITestOutputHelper output;

    public PfSenseFuzzTests(ITestOutputHelper output) => this.output = output;

    public static TheoryData<PfSenseOutputKind> Kinds() => new(Enum.GetValues<PfSenseOutputKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MutatedSamples_ReturnAResultOrThrowHaEdgeExceptionOnly(PfSenseOutputKind kind)
    {
        var seeds = Seeds(kind);
        var mutator = new TextMutator(seed: 20261126 + (int)kind);
        var (parsed, rejected) = (0, 0);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Iterations; i++)
        {
            var text = mutator.Mutate(seeds[i % seeds.Length]);
            try
            {
                Assert.NotNull(PfSenseOutput.Parse(kind, text));
                parsed++;
            }
            catch (HaEdgeException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{kind} iteration {i}: {e.GetType().Name} escaped: {e.Message}\n--- input ---\n{text}");
            }
        }

        output.WriteLine($"{kind}: {Iterations} mutated inputs from {seeds.Length} samples, {parsed} parsed, {rejected} rejected, {clock.ElapsedMilliseconds} ms");
    }

    private static string[] Seeds(PfSenseOutputKind kind)
    {
        string[] Real(string folder) => RealFixture.Files(folder).Select(RealFixture.Body).ToArray();
        return kind switch
        {
            PfSenseOutputKind.Ifconfig => Real("ifconfig-carp").Append(FromSource.IfconfigFreeBsd14).ToArray(),
            PfSenseOutputKind.CarpSysctl => new[] { RealFixture.Body("carp-sysctl/opnsense-core-3671-fw1-sysctl-net.inet.carp.txt"), FromSource.CarpSysctlPfSense },
            PfSenseOutputKind.PfctlInfo => Real("pfctl-si"),
            PfSenseOutputKind.PfctlCreators => new[] { FromSource.PfctlCreators },
            PfSenseOutputKind.Pfsync => Real("pfsync").Concat(new[] { FromSource.PfsyncFreeBsd10, FromSource.PfsyncFreeBsd14InIfconfig }).ToArray(),
            PfSenseOutputKind.GatewayStatus => new[]
            {
                RealFixture.Body("gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt"), FromSource.GatewayJsonCurrent,
                FromSource.GatewayJsonPfSense23, FromSource.GatewayTablePfSense24, FromSource.GatewayTableBrief,
            },
            PfSenseOutputKind.GatewayGroups => new[] { FromSource.GatewayGroupsJson },
            PfSenseOutputKind.RouteGet => new[] { FromSource.RouteGetDefault },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
