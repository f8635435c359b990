using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using HaEdge.Core.Carp;
using HaEdge.Core.Failover;

namespace HaEdge.Core.Watch;

/// <summary>One edge's reading and its last failover test of each scenario, for the metrics.</summary>
internal sealed record EdgeMetricsSource(EdgeReading Reading, IReadOnlyList<FailoverResult> Failovers);

/// <summary>
/// The edge's state in Prometheus's text exposition format 0.0.4: every metric a gauge with HELP and TYPE, its
/// series together, names in base units (seconds, ratios) as Prometheus's naming conventions ask. A firewall that did
/// not answer has only <c>haedge_firewall_up 0</c>: what it would say is unknown, and a stale value would alert.
/// </summary>
internal static class MetricsText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<EdgeMetricsSource> edges)
    {
        var families = new Families();
        foreach (var edge in edges) Add(families, edge);
        return families.ToString();
    }

    private static void Add(Families f, EdgeMetricsSource source)
    {
        var r = source.Reading;
        var edge = ("edge", r.Edge);
        f.Add("haedge_read_timestamp_seconds", "Unix time of the reading these metrics show.", r.Time.ToUnixTimeMilliseconds() / 1000.0, edge);
        f.Add("haedge_read_duration_seconds", "How long the reading took.", r.Elapsed.TotalSeconds, edge);
        foreach (var firewall in r.Firewalls)
        {
            var fw = ("firewall", firewall.Name);
            f.Add("haedge_firewall_up", "1 when the firewall answered the reading, 0 when it did not.", Bit(firewall.Answered), edge, fw);
            if (!firewall.Answered) continue;
            foreach (var vip in firewall.Vips.Values.OrderBy(v => v.Vhid).ThenBy(v => v.Interface, StringComparer.Ordinal))
                f.Add("haedge_carp_vip_master", "1 when the firewall is MASTER of the VIP, 0 when BACKUP or INIT.", Bit(vip.State == CarpState.Master), edge, fw,
                    ("vhid", Say(vip.Vhid)), ("interface", vip.Interface ?? ""));
            f.Add("haedge_carp_demotion", "net.inet.carp.demotion: added to every VIP's advskew.", firewall.Demotion, edge, fw);
            f.Add("haedge_carp_maintenance", "1 when persistent CARP maintenance mode is on (advskew 254).", Bit(firewall.Maintenance), edge, fw);
            foreach (var gateway in firewall.Gateways ?? Array.Empty<WatchedGateway>())
            {
                var gw = ("gateway", gateway.Name);
                f.Add("haedge_gateway_up", "1 when pfSense's gateway monitor says the gateway is online.", Bit(gateway.Up), edge, fw, gw);
                if (gateway.LossPercent is double loss)
                    f.Add("haedge_gateway_loss_ratio", "The gateway monitor's packet loss, 0 to 1.", loss / 100, edge, fw, gw);
                if (gateway.DelayMs is double delay)
                    f.Add("haedge_gateway_delay_seconds", "The gateway monitor's round trip time.", delay / 1000, edge, fw, gw);
                f.Add("haedge_gateway_default_route", "1 for the gateway the firewall's default route uses.", Bit(gateway.Name == firewall.DefaultRoute), edge, fw, gw);
                f.Add("haedge_gateway_preferred", "1 when the gateway is tier 1 of its gateway group (or in none), 0 for a backup WAN.", Bit(gateway.Preferred), edge, fw, gw);
            }

            if (firewall.PfsyncOk is bool pfsyncOk)
                f.Add("haedge_pfsync_ok", "1 when pfsync has a sync interface and its bulk update completed (syncok).", Bit(pfsyncOk), edge, fw);
            if (firewall.States is long states)
                f.Add("haedge_pf_states", "pf state table entries.", states, edge, fw);
        }

        foreach (var name in r.VipNames)
        {
            var vip = r.Firewalls.Where(x => x.Answered).Select(x => x.Vips.TryGetValue(name, out var v) ? v : null).First(v => v != null)!;
            var labels = new[] { edge, ("vhid", Say(vip.Vhid)), ("interface", vip.Interface ?? "") };
            var masters = r.MastersOf(name);
            f.Add("haedge_carp_vip_masters", "How many of the firewalls that answered are MASTER of the VIP (1 healthy, 0 no master, 2 split brain).", masters.Count, labels);
            f.Add("haedge_carp_vip_on_primary", "1 when the definition's primary firewall is the VIP's only MASTER.", Bit(masters.Count == 1 && masters[0] == r.Primary), labels);
        }

        if (r.PfsyncInSync is bool inSync)
            f.Add("haedge_pfsync_in_sync", "1 when the pair's pfsync verdict is InSync.", Bit(inSync), edge);
        if (r.DriftItems is int drift)
            f.Add("haedge_config_drift_items", "Differences between the two firewalls' configs in the synced sections.", drift, edge);
        if (r.AntiAffinityHeld is bool held)
            f.Add("haedge_antiaffinity_held", "1 when the two firewall VMs run on two different Proxmox nodes.", Bit(held), edge);
        if (r.ProxmoxAnswered)
        {
            f.Add("haedge_proxmox_quorate", "1 when the Proxmox cluster is quorate.", Bit(r.Quorate == true), edge);
            foreach (var node in r.Nodes.OrderBy(n => n.Key, StringComparer.Ordinal))
                f.Add("haedge_proxmox_node_online", "1 when the Proxmox node is online.", Bit(node.Value), edge, ("node", node.Key));
            foreach (var vm in r.Vms)
                f.Add("haedge_vm_running", "1 when the firewall's VM runs.", Bit(vm.Status == "running"), edge, ("firewall", vm.Firewall), ("node", vm.Node));
        }

        foreach (var result in source.Failovers)
        {
            var scenario = ("scenario", result.Scenario.ToString());
            f.Add("haedge_failover_passed", "1 when the last Test-HaFailover of the scenario passed.", Bit(result.Passed), edge, scenario);
            if (result.Outage is TimeSpan outage)
                f.Add("haedge_failover_outage_seconds", "The last Test-HaFailover's outage.", outage.TotalSeconds, edge, scenario);
            if (result.FailbackOutage is TimeSpan failback)
                f.Add("haedge_failover_failback_outage_seconds", "The last Test-HaFailover's outage at failback.", failback.TotalSeconds, edge, scenario);
            f.Add("haedge_failover_timestamp_seconds", "Unix time the last Test-HaFailover of the scenario started.",
                (result.RunStartedAt + result.StartedAt).ToUnixTimeMilliseconds() / 1000.0, edge, scenario);
        }
    }

    /// <summary>The latest result of each scenario (by when it started), in scenario order.</summary>
    public static IReadOnlyList<FailoverResult> LatestOfEachScenario(IEnumerable<FailoverResult> results) =>
        results.GroupBy(r => r.Scenario).OrderBy(g => g.Key).Select(g => g.OrderBy(r => r.RunStartedAt + r.StartedAt).Last()).ToList();

    private static double Bit(bool value) => value ? 1 : 0;

    private static string Say(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Metric families in first-seen order, each with its HELP, TYPE and series together.</summary>
    private sealed class Families
    {
        private readonly List<(string Name, string Help, StringBuilder Series)> families = new List<(string, string, StringBuilder)>();

        public void Add(string name, string help, double value, params (string Name, string Value)[] labels)
        {
            var family = families.FirstOrDefault(x => x.Name == name);
            if (family.Name == null)
            {
                family = (name, help, new StringBuilder());
                families.Add(family);
            }

            var series = family.Series.Append(name);
            if (labels.Length > 0)
                series.Append('{').Append(string.Join(",", labels.Select(l => l.Name + "=\"" + Escape(l.Value) + "\""))).Append('}');
            series.Append(' ').Append(Number(value)).Append('\n');
        }

        public override string ToString()
        {
            var text = new StringBuilder();
            foreach (var (name, help, series) in families)
                text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
                    .Append("# TYPE ").Append(name).Append(" gauge\n")
                    .Append(series);
            return text.ToString();
        }

        // The exposition format escapes backslash, double quote and line feed in label values.
        private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

        private static string Number(double value) =>
            double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);
    }
}
