using System;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.Failover;
using HaEdge.Core.Watch;
using Xunit;

namespace HaEdge.Core.Tests.Watch;

public class MetricsTextTests
{
    private static string Lines(string text, string metric) =>
        string.Join("\n", text.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal)));

    [Fact]
    public void Every_family_has_help_and_type_once_and_its_series_together()
    {
        var text = MetricsText.Write(new[] { new EdgeMetricsSource(EdgeChangesTests.Reading(0, EdgeChangesTests.Firewall("fw1", CarpState.Master), EdgeChangesTests.Firewall("fw2", CarpState.Backup)), Array.Empty<FailoverResult>()) });
        var lines = text.TrimEnd('\n').Split('\n');
        var families = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(families.Distinct().Count(), families.Count);
        Assert.Equal(families.Count, lines.Count(l => l.StartsWith("# HELP ", StringComparison.Ordinal)));
        // Each sample follows its own family's TYPE line, with no other family in between.
        string? current = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal)) current = line.Split(' ')[2];
            else if (!line.StartsWith('#')) Assert.Equal(current, line.Split('{', ' ')[0]);
        }
    }

    [Fact]
    public void A_healthy_pair_owns_each_vip_once_on_the_primary()
    {
        var text = MetricsText.Write(new[] { new EdgeMetricsSource(EdgeChangesTests.Reading(0, EdgeChangesTests.Firewall("fw1", CarpState.Master), EdgeChangesTests.Firewall("fw2", CarpState.Backup)), Array.Empty<FailoverResult>()) });
        Assert.Equal("haedge_carp_vip_masters{edge=\"hel\",vhid=\"1\",interface=\"vtnet0\"} 1", Lines(text, "haedge_carp_vip_masters"));
        Assert.Equal("haedge_carp_vip_on_primary{edge=\"hel\",vhid=\"1\",interface=\"vtnet0\"} 1", Lines(text, "haedge_carp_vip_on_primary"));
        Assert.Equal("haedge_gateway_default_route{edge=\"hel\",firewall=\"fw1\",gateway=\"WAN_FIBRE\"} 1\nhaedge_gateway_default_route{edge=\"hel\",firewall=\"fw1\",gateway=\"WAN_STARLINK\"} 0\n"
            + "haedge_gateway_default_route{edge=\"hel\",firewall=\"fw2\",gateway=\"WAN_FIBRE\"} 1\nhaedge_gateway_default_route{edge=\"hel\",firewall=\"fw2\",gateway=\"WAN_STARLINK\"} 0",
            Lines(text, "haedge_gateway_default_route"));
        Assert.Equal("haedge_gateway_delay_seconds{edge=\"hel\",firewall=\"fw1\",gateway=\"WAN_FIBRE\"} 0.01", Lines(text, "haedge_gateway_delay_seconds").Split('\n')[0]);
        Assert.Equal("haedge_antiaffinity_held{edge=\"hel\"} 1", Lines(text, "haedge_antiaffinity_held"));
    }

    [Fact]
    public void A_firewall_that_did_not_answer_has_only_up_0_and_the_vip_is_off_the_primary()
    {
        var reading = EdgeChangesTests.Reading(0, new WatchedFirewall { Name = "fw1", State = AnswerState.Failed, Error = "timed out" }, EdgeChangesTests.Firewall("fw2", CarpState.Master));
        var text = MetricsText.Write(new[] { new EdgeMetricsSource(reading, Array.Empty<FailoverResult>()) });
        Assert.Equal("haedge_firewall_up{edge=\"hel\",firewall=\"fw1\"} 0\nhaedge_firewall_up{edge=\"hel\",firewall=\"fw2\"} 1", Lines(text, "haedge_firewall_up"));
        // Nothing the firewall would say; its VM is Proxmox's answer.
        Assert.Equal(new[] { "haedge_firewall_up", "haedge_vm_running" },
            text.Split('\n').Where(l => l.Contains("firewall=\"fw1\"", StringComparison.Ordinal)).Select(l => l.Split('{')[0]));
        Assert.Equal("haedge_carp_vip_on_primary{edge=\"hel\",vhid=\"1\",interface=\"vtnet0\"} 0", Lines(text, "haedge_carp_vip_on_primary"));
    }

    [Fact]
    public void Label_values_are_escaped_and_the_last_failover_is_in()
    {
        var reading = EdgeChangesTests.Reading(0, EdgeChangesTests.Firewall("fw1", CarpState.Master), EdgeChangesTests.Firewall("fw2", CarpState.Backup)) with { Edge = "a\"b\\c\nd" };
        var result = new FailoverResult
        {
            Scenario = FailoverScenario.HardStop, Passed = true, Outage = TimeSpan.FromSeconds(2.8), FailbackOutage = TimeSpan.FromMilliseconds(400),
            RunStartedAt = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), StartedAt = TimeSpan.FromSeconds(1.5),
        };
        var text = MetricsText.Write(new[] { new EdgeMetricsSource(reading, new[] { result }) });
        Assert.Contains("haedge_proxmox_quorate{edge=\"a\\\"b\\\\c\\nd\"} 1\n", text);
        Assert.Contains("haedge_failover_outage_seconds{edge=\"a\\\"b\\\\c\\nd\",scenario=\"HardStop\"} 2.8\n", text);
        Assert.Contains("haedge_failover_timestamp_seconds{edge=\"a\\\"b\\\\c\\nd\",scenario=\"HardStop\"} 1800000001.5\n", text);
    }
}
