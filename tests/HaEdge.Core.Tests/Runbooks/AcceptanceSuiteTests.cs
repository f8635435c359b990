using HaEdge.Core.Runbooks;
using Xunit;

namespace HaEdge.Core.Tests.Runbooks;

public class AcceptanceSuiteTests
{
    [Fact]
    public void Every_check_of_Test_HaEdge_has_a_test_name_that_starts_with_the_check_and_says_what_it_holds()
    {
        var names = ReadinessChecks.All.Select(AcceptanceSuite.CheckTestName).ToList();
        Assert.All(ReadinessChecks.All.Zip(names), pair => Assert.StartsWith(pair.First + ": ", pair.Second));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal("Gateways: every gateway is online on both firewalls", AcceptanceSuite.CheckTestName(ReadinessChecks.Gateways));
    }

    [Fact]
    public void A_check_without_a_description_is_named_by_itself()
    {
        Assert.Equal("NewCheck", AcceptanceSuite.CheckTestName("NewCheck"));
    }
}
