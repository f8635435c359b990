using HaEdge.Core.Gateways;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

/// <summary>No captured sample exists; the text follows FreeBSD's route print_getmsg() format strings (see FromSource).</summary>
public class RouteGetParserTests
{
    [Fact]
    public void FromSource_DefaultRoute_GatewayInterfaceFlags()
    {
        var route = RouteGetParser.Parse(FromSource.RouteGetDefault);

        Assert.Equal(("default", "192.0.2.254", "vtnet0"), (route.Destination, route.Gateway, route.Interface));
        Assert.Equal(new[] { "UP", "GATEWAY", "DONE", "STATIC" }, route.Flags);
    }

    [Fact]
    public void FromSource_ConnectedRoute_HasNoGateway()
    {
        var route = RouteGetParser.Parse("   route to: 192.0.2.7\ndestination: 192.0.2.0\n       mask: 255.255.255.0\n        fib: 0\n  interface: vtnet1\n      flags: <UP,DONE,PINNED>\n");

        Assert.Null(route.Gateway);
        Assert.Equal("vtnet1", route.Interface);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("route: route has not been found", "route has not been found")]
    [InlineData("   route to: default\ndestination: default\n    gateway: 192.0.2.254\n", "no 'interface:' line")]
    public void Unreadable_ThrowsNamingTheKind(string text, string detail)
    {
        var error = Assert.Throws<HaEdgeException>(() => RouteGetParser.Parse(text));

        Assert.Contains("route -n get", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_route_get_does_not_print_is_skipped_and_reported()
    {
        var parsed = RouteGetParser.Read(">>> Launching rc.local in background...\n" + FromSource.RouteGetDefault);

        Assert.Equal(("vtnet0", "192.0.2.254"), (parsed.Value.Interface, parsed.Value.Gateway));
        Assert.Equal((1, "not a line route get prints"), (Assert.Single(parsed.Skipped).Number, parsed.Skipped[0].Reason));
    }
}
