using HaEdge.Core.Carp;
using HaEdge.Core.Runbooks;
using Xunit;

namespace HaEdge.Core.Tests.Output;

public sealed class ResultJsonTests
{
    [Fact]
    public void Enums_are_names_durations_are_text_and_lists_are_arrays()
    {
        var check = new HaEdgeCheckResult { Check = "Carp", Verdict = ReadinessVerdict.Failed, Elapsed = TimeSpan.FromMilliseconds(1520) };
        var row = new CarpVipStatus { Firewall = "fw1's", State = CarpState.Master, Addresses = new List<string> { "10.0.10.1/24" } };

        string json = ResultJson.Write(new object?[] { check, row }, asArray: false, compress: true);

        Assert.Contains("\"Verdict\":\"Failed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Elapsed\":\"00:00:01.5200000\"", json, StringComparison.Ordinal);
        Assert.Contains("\"State\":\"Master\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Addresses\":[\"10.0.10.1/24\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"Firewall\":\"fw1's\"", json, StringComparison.Ordinal);
        Assert.StartsWith("[{", json, StringComparison.Ordinal);
    }

    [Fact]
    public void One_value_is_an_object_unless_an_array_is_asked_for()
    {
        var check = new HaEdgeCheckResult { Check = "Carp" };

        Assert.StartsWith("{", ResultJson.Write(new object?[] { check }, asArray: false, compress: true), StringComparison.Ordinal);
        Assert.StartsWith("[{", ResultJson.Write(new object?[] { check }, asArray: true, compress: true), StringComparison.Ordinal);
        Assert.Contains("\n", ResultJson.Write(new object?[] { check }, asArray: false, compress: false), StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_JSON_cannot_carry_is_NotSupported()
    {
        var cycle = new Dictionary<string, object?>();
        cycle["self"] = cycle;

        Assert.Throws<NotSupportedException>(() => ResultJson.Write(new object?[] { typeof(string) }, asArray: false, compress: true));
        Assert.Throws<NotSupportedException>(() => ResultJson.Write(new object?[] { cycle }, asArray: false, compress: true));
    }
}
