using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.Checks;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Definition;
using HaEdge.Core.Gateways;
using HaEdge.Core.Inventory;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Runbooks;

/// <summary>The names of Test-HaEdge's checks, in the order they are reported.</summary>
public static class ReadinessChecks
{
    public const string Quorum = nameof(Quorum);
    public const string VmPlacement = nameof(VmPlacement);
    public const string AntiAffinity = nameof(AntiAffinity);
    public const string Symmetry = nameof(Symmetry);
    public const string SyncPath = nameof(SyncPath);
    public const string Carp = nameof(Carp);
    public const string Standby = nameof(Standby);
    public const string CarpVips = nameof(CarpVips);
    public const string Pfsync = nameof(Pfsync);
    public const string ConfigDrift = nameof(ConfigDrift);
    public const string Gateways = nameof(Gateways);

    public static readonly IReadOnlyList<string> All = new[] { Quorum, VmPlacement, AntiAffinity, Symmetry, SyncPath, Carp, Standby, CarpVips, Pfsync, ConfigDrift, Gateways };
}

/// <summary>Turns what each check read into a verdict and its findings (pure: tested without a cluster or firewall).</summary>
internal static class ReadinessJudge
{
    public const string ClusterNotQuorate = nameof(ClusterNotQuorate);
    public const string NodeOffline = nameof(NodeOffline);
    public const string NodeInHaMaintenance = nameof(NodeInHaMaintenance);
    public const string VmMissing = nameof(VmMissing);
    public const string VmNotRunning = nameof(VmNotRunning);
    public const string VmsOnSameNode = nameof(VmsOnSameNode);
    public const string VmNotOnItsNode = nameof(VmNotOnItsNode);
    public const string FirewallUnreadable = nameof(FirewallUnreadable);
    public const string CarpNotHealthy = nameof(CarpNotHealthy);
    public const string CarpMaintenanceOn = nameof(CarpMaintenanceOn);
    public const string CarpCannotHandOver = nameof(CarpCannotHandOver);
    public const string CarpSplitAcrossNodes = nameof(CarpSplitAcrossNodes);
    public const string CarpDemoted = nameof(CarpDemoted);
    public const string PfsyncNotInSync = nameof(PfsyncNotInSync);
    public const string ConfigDrift = nameof(ConfigDrift);
    public const string GatewayDown = nameof(GatewayDown);
    public const string GatewayDegraded = nameof(GatewayDegraded);
    public const string NoGateways = nameof(NoGateways);
    public const string CheckFailed = nameof(CheckFailed);

    /// <summary>The cluster is quorate and every node online; a node in HA maintenance is reported, not failed.</summary>
    public static HaEdgeCheckResult Quorum(EdgeDefinition edge, ClusterStatus cluster, IReadOnlyList<HaStatusEntry> haStatus)
    {
        var findings = new List<Finding>();
        string name = cluster.ClusterName ?? edge.Name;
        if (!cluster.Quorate)
        {
            findings.Add(new Finding(FindingSeverity.Error, ClusterNotQuorate, name,
                $"Cluster {name} has no quorum: HA stops and the API accepts no change.",
                "Bring the missing nodes (or the QDevice) back before any maintenance; see pvecm status on a node."));
        }

        foreach (ClusterNodeStatus node in cluster.Nodes.Where(n => !n.Online))
        {
            bool carriesFirewall = edge.Firewalls.Any(f => Same(f.Node, node.Name));
            findings.Add(new Finding(carriesFirewall ? FindingSeverity.Error : FindingSeverity.Warning, NodeOffline, node.Name,
                $"Node {node.Name} is offline{(carriesFirewall ? ", and the edge puts a firewall on it" : "")}.",
                $"Bring {node.Name} back, or check its corosync link, before taking another node down."));
        }

        foreach (string node in NodesInHaMaintenance(haStatus))
        {
            findings.Add(new Finding(FindingSeverity.Warning, NodeInHaMaintenance, node,
                $"Node {node} is in HA maintenance: HA moves its guests away and starts none there.",
                $"When its maintenance is over: Resume-HaEdgeNode -Node {node} -HaMaintenance (or ha-manager crm-command node-maintenance disable {node})."));
        }

        int online = cluster.Nodes.Count(n => n.Online);
        return Result(ReadinessChecks.Quorum, findings,
            $"{name}: {(cluster.Quorate ? "quorate" : "NOT quorate")}, {online} of {cluster.Nodes.Count} nodes online.");
    }

    /// <summary>The nodes whose LRM PVE shows in maintenance mode (<c>pve1 (maintenance mode, ...)</c>).</summary>
    public static IReadOnlyList<string> NodesInHaMaintenance(IReadOnlyList<HaStatusEntry> haStatus) =>
        haStatus.Where(e => e.Type == "lrm" && e.Node != null && e.Status != null
                && e.Status.IndexOf("(maintenance mode", StringComparison.OrdinalIgnoreCase) >= 0)
            .Select(e => e.Node!)
            .ToList();

    /// <summary>Both firewall VMs exist, run, and run on distinct nodes.</summary>
    public static HaEdgeCheckResult VmPlacement(IReadOnlyList<HaEdgeVm> vms)
    {
        var findings = new List<Finding>();
        foreach (HaEdgeVm vm in vms)
        {
            if (vm.Status == "missing")
            {
                findings.Add(new Finding(FindingSeverity.Error, VmMissing, vm.Firewall,
                    $"The cluster has no VM {vm.VmId} for {vm.Firewall}.", $"Check vmId of {vm.Firewall} in the edge definition (Get-HaEdgeVm)."));
                continue;
            }

            if (vm.Status != "running")
            {
                findings.Add(new Finding(FindingSeverity.Error, VmNotRunning, vm.Firewall,
                    $"{vm.Firewall} (VM {vm.VmId}) is {vm.Status} on {vm.Node}.", $"Start it: the edge has no standby while {vm.Firewall} is down."));
            }

            if (!Same(vm.Node, vm.ExpectedNode))
            {
                findings.Add(new Finding(FindingSeverity.Warning, VmNotOnItsNode, vm.Firewall,
                    $"{vm.Firewall} runs on {vm.Node}, but the edge definition puts it on {vm.ExpectedNode}.",
                    $"Migrate it back to {vm.ExpectedNode}, or correct node in the edge definition."));
            }
        }

        var present = vms.Where(vm => vm.Status != "missing").ToList();
        if (present.Count == 2 && Same(present[0].Node, present[1].Node))
        {
            findings.Add(new Finding(FindingSeverity.Error, VmsOnSameNode, present[0].Node,
                $"{present[0].Firewall} and {present[1].Firewall} both run on {present[0].Node}: losing that node loses the edge.",
                $"Migrate {present[1].Firewall} to {present[1].ExpectedNode}; Assert-AntiAffinity says what keeps them apart from then on (an HA rule, or their placement by configuration)."));
        }

        return Result(ReadinessChecks.VmPlacement, findings,
            string.Join(", ", vms.Select(vm => vm.Status == "missing" ? $"{vm.Firewall} missing" : $"{vm.Firewall} {vm.Status} on {vm.Node}")) + ".");
    }

    /// <summary>Assert-AntiAffinity's findings, less the placement ones <see cref="VmPlacement"/> already reports.</summary>
    public static HaEdgeCheckResult AntiAffinity(IReadOnlyList<Finding> findings)
    {
        var own = findings.Where(f => f.Code != AntiAffinityCheck.VmMissing && f.Code != AntiAffinityCheck.VmsOnSameNode).ToList();
        return Result(ReadinessChecks.AntiAffinity, own, Counted(own, "the firewalls are kept apart"));
    }

    /// <summary>Test-HaEdgeSymmetry's findings over every segment.</summary>
    public static HaEdgeCheckResult Symmetry(IReadOnlyList<Finding> findings) =>
        Result(ReadinessChecks.Symmetry, findings, Counted(findings, "both firewalls are wired alike"));

    /// <summary>
    /// Every VIP Healthy (one MASTER, one BACKUP) and a handover possible: Get-CarpStatus's verdict, so the two agree
    /// during maintenance too (Healthy, flagged MaintenanceOn). Whether a standby is left is <see cref="Standby"/>.
    /// </summary>
    public static HaEdgeCheckResult Carp(CarpPairReport report)
    {
        var findings = Unreadable(report.Failures);
        foreach (IGrouping<string, CarpVipStatus> vip in report.Vips.GroupBy(v => (v.Interface ?? "") + "#" + v.Vhid.ToString(CultureInfo.InvariantCulture)))
        {
            CarpVipStatus row = vip.First();
            if (row.Verdict != CarpPairVerdict.Healthy)
            {
                findings.Add(new Finding(FindingSeverity.Error, CarpNotHealthy, VipName(row),
                    $"{VipName(row)} is {row.Verdict}: {string.Join(" ", row.Reasons)}", "See Get-CarpStatus for both firewalls' view of this VIP."));
            }

            if (row.Flags.HasFlag(CarpFlags.PrimarySkewTooHigh))
            {
                findings.Add(new Finding(FindingSeverity.Error, CarpCannotHandOver, VipName(row),
                    $"{VipName(row)}: the primary's advskew is {CarpPairAnalyzer.PrimarySkewLimit} or more, so maintenance mode cannot hand it over.",
                    $"Lower the primary's advskew below {CarpPairAnalyzer.PrimarySkewLimit} on that VIP."));
            }
        }

        if (report.Vips.Any(v => v.Flags.HasFlag(CarpFlags.SplitAcrossNodes)))
        {
            findings.Add(new Finding(FindingSeverity.Error, CarpSplitAcrossNodes, "CARP",
                "Some VIPs are MASTER on one firewall and others on the other: traffic routes asymmetrically.",
                "Check advskew and preemption (net.inet.carp.preempt=1) on both firewalls; Get-CarpStatus shows who holds what."));
        }

        foreach (CarpNodeReading node in report.Nodes.Where(n => n.Reachable && n.Sysctl!.Demotion != 0))
        {
            findings.Add(new Finding(FindingSeverity.Warning, CarpDemoted, node.Firewall,
                $"{node.Firewall}: net.inet.carp.demotion is {node.Sysctl!.Demotion}, added to the advskew of every VIP it has.",
                "Find what demoted it (an interface down, pfsync bulk update pending) in its system log."));
        }

        int vips = report.Vips.Select(v => (v.Interface, v.Vhid)).Distinct().Count();
        var masters = report.Vips.Where(v => v.State == CarpState.Master).Select(v => v.Firewall).Distinct().ToList();
        return Result(ReadinessChecks.Carp, findings,
            $"{vips} VIPs, MASTER on {(masters.Count == 0 ? "none" : string.Join(" and ", masters))}.");
    }

    /// <summary>
    /// Neither firewall in CARP maintenance mode, so one stands by to take over. A firewall in maintenance keeps the
    /// edge up (Carp passes) but leaves it without a standby: an Error, so a runbook's closing Test-HaEdge is not
    /// green until maintenance ends, and Resume-HaEdgeNode lets only its own firewall's through.
    /// </summary>
    public static HaEdgeCheckResult Standby(CarpPairReport report)
    {
        var findings = Unreadable(report.Failures);
        var inMaintenance = report.Vips.Where(v => v.Maintenance).Select(v => v.Firewall).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (string firewall in inMaintenance)
        {
            findings.Add(new Finding(FindingSeverity.Error, CarpMaintenanceOn, firewall,
                $"{firewall} is in CARP maintenance mode: the edge has no standby until it leaves it.",
                $"Resume-HaEdgeNode on {firewall}'s node, or Set-CarpMaintenance -Disable -Firewall {firewall}."));
        }

        var standing = report.Nodes.Where(n => n.Reachable).Select(n => n.Firewall).Where(f => !inMaintenance.Contains(f, StringComparer.OrdinalIgnoreCase)).ToList();
        return Result(ReadinessChecks.Standby, findings,
            inMaintenance.Count == 0 ? "neither firewall is in maintenance mode."
                : $"{string.Join(" and ", inMaintenance)} in maintenance mode; standing by: {(standing.Count == 0 ? "none" : string.Join(" and ", standing))}.");
    }

    /// <summary>
    /// Each segment marked carp carries a VIP on both firewalls with the same vhid and advbase, no vhid twice on one
    /// broadcast domain. Judged only when both firewalls answered: an unreadable one would read as missing its VIPs.
    /// </summary>
    public static HaEdgeCheckResult CarpVips(EdgeDefinition edge, IReadOnlyList<HaEdgeVm> vms, CarpPairReport report)
    {
        var findings = Unreadable(report.Failures);
        if (findings.Count == 0) findings.AddRange(PairInvariantCheck.CarpCoverage(edge, vms, report.Vips));
        return Result(ReadinessChecks.CarpVips, findings, Counted(findings, "every carp segment has its VIP on both firewalls"));
    }

    /// <summary>pfsync runs on the sync segment's interface and sends to the peer's sync address.</summary>
    public static HaEdgeCheckResult SyncPath(EdgeDefinition edge, IReadOnlyList<HaEdgeVm> vms, IReadOnlyList<PfsyncNodeStatus> nodes, IReadOnlyList<HaEdgeException> failures)
    {
        var findings = Unreadable(failures);
        findings.AddRange(PairInvariantCheck.SyncPath(edge, vms, nodes));
        return Result(ReadinessChecks.SyncPath, findings, Counted(findings, "state sync runs on the sync segment"));
    }

    public static HaEdgeCheckResult Pfsync(IReadOnlyList<PfsyncNodeStatus> nodes, IReadOnlyList<HaEdgeException> failures)
    {
        var findings = Unreadable(failures);
        var names = nodes.Select(n => n.Firewall).ToList();
        foreach (string reason in nodes.SelectMany(n => n.Reasons).Distinct().Where(r => r.IndexOf("could not be read", StringComparison.Ordinal) < 0))
        {
            string target = names.FirstOrDefault(n => reason.StartsWith(n, StringComparison.OrdinalIgnoreCase)) ?? "pfsync";
            findings.Add(new Finding(FindingSeverity.Error, PfsyncNotInSync, target, reason,
                "Check the sync interface and pfsync settings on both (Get-PfsyncStatus); after a reboot wait for the bulk update."));
        }

        return Result(ReadinessChecks.Pfsync, findings,
            string.Join(", ", nodes.Where(n => n.Reachable).Select(n => $"{n.Firewall} {n.StateEntries.ToString(CultureInfo.InvariantCulture)} states"))
            + (nodes.Count > 0 ? $": {nodes[0].Verdict}." : "."));
    }

    /// <summary>Get-PfHaSync's findings and one finding per config difference in the synced sections.</summary>
    public static HaEdgeCheckResult ConfigDriftOf(PfHaSyncStatus status, IReadOnlyList<ConfigDifference> differences)
    {
        var findings = status.Findings.ToList();
        findings.AddRange(differences.Select(d => new Finding(FindingSeverity.Error, ConfigDrift, status.Secondary,
            $"{status.Secondary} differs from {status.Primary} at {d}.",
            "Sync-PfConfig pushes the primary's configuration; Compare-PfConfig lists every difference.")));
        return Result(ReadinessChecks.ConfigDrift, findings,
            $"{differences.Count.ToString(CultureInfo.InvariantCulture)} differences in {(status.Sections.Count == 0 ? "no synced section" : string.Join(", ", status.Sections))}.");
    }

    /// <summary>Skipped: the definition gives no XML-RPC access to compare the configurations.</summary>
    public static HaEdgeCheckResult ConfigDriftNotConfigured(EdgeDefinition edge) => new HaEdgeCheckResult
    {
        Check = ReadinessChecks.ConfigDrift,
        Verdict = ReadinessVerdict.NotConfigured,
        Summary = $"Not configured: {string.Join(" and ", edge.Firewalls.Where(f => f.XmlRpc == null).Select(f => f.Name))} "
            + "has no xmlrpc entry in the edge definition, so the configurations cannot be compared.",
    };

    /// <summary>Every gateway of both firewalls online.</summary>
    public static HaEdgeCheckResult Gateways(EdgeDefinition edge, IReadOnlyList<PfGateway> gateways, IReadOnlyList<HaEdgeException> failures)
    {
        var findings = Unreadable(failures);
        foreach (FirewallDefinition firewall in edge.Firewalls.Where(f => failures.All(e => !Same(e.Target, f.Name))))
        {
            var own = gateways.Where(g => g.Firewall == firewall.Name).ToList();
            if (own.Count == 0)
            {
                findings.Add(new Finding(FindingSeverity.Warning, NoGateways, firewall.Name,
                    $"{firewall.Name} reports no gateway.", "Check System > Routing > Gateways on it."));
            }

            foreach (PfGateway gateway in own.Where(g => g.Health == GatewayHealth.Down || g.Health == GatewayHealth.Warning))
            {
                bool down = gateway.Health == GatewayHealth.Down;
                findings.Add(new Finding(down ? FindingSeverity.Error : FindingSeverity.Warning, down ? GatewayDown : GatewayDegraded,
                    firewall.Name,
                    $"{firewall.Name}: gateway {gateway.Name} is {gateway.Status}{(gateway.Substatus == null || gateway.Substatus == "none" ? "" : " (" + gateway.Substatus + ")")}"
                        + $"{(gateway.LossPercent is double loss ? $", {loss.ToString("0.#", CultureInfo.InvariantCulture)} % loss" : "")}.",
                    $"Check {gateway.Name}'s link and its monitor IP {gateway.MonitorIp ?? "(none)"} from {firewall.Name} (Get-PfGateway)."));
            }
        }

        int online = gateways.Count(g => g.Health == GatewayHealth.Online);
        return Result(ReadinessChecks.Gateways, findings, $"{online} of {gateways.Count} gateways online on {string.Join(" and ", edge.Firewalls.Select(f => f.Name))}.");
    }

    /// <summary>A check that could not run at all.</summary>
    public static HaEdgeCheckResult Failed(string check, HaEdgeException error, TimeSpan elapsed) => new HaEdgeCheckResult
    {
        Check = check,
        Verdict = ReadinessVerdict.Failed,
        Summary = "Could not run: " + error.Message,
        Findings = new[] { new Finding(FindingSeverity.Error, CheckFailed, error.Target ?? check, error.Message, $"Fix what stopped it ({error.ErrorId}), then run Test-HaEdge again.") },
        Elapsed = elapsed,
    };

    /// <summary>Failed with any Error finding, Warning with any Warning, else Passed.</summary>
    public static ReadinessVerdict VerdictOf(IEnumerable<Finding> findings)
    {
        var severities = findings.Select(f => f.Severity).ToList();
        if (severities.Contains(FindingSeverity.Error)) return ReadinessVerdict.Failed;
        return severities.Contains(FindingSeverity.Warning) ? ReadinessVerdict.Warning : ReadinessVerdict.Passed;
    }

    private static HaEdgeCheckResult Result(string check, IReadOnlyList<Finding> findings, string summary) =>
        new HaEdgeCheckResult { Check = check, Verdict = VerdictOf(findings), Summary = summary, Findings = findings };

    private static List<Finding> Unreadable(IEnumerable<HaEdgeException> failures) =>
        failures.Select(e => new Finding(FindingSeverity.Error, FirewallUnreadable, e.Target ?? "firewall", e.Message,
            "Check that the firewall runs and answers SSH from here (Test-HaEdgeConnection).")).ToList();

    private static string Counted(IReadOnlyList<Finding> findings, string clean)
    {
        if (findings.Count == 0) return clean + ".";
        int errors = findings.Count(f => f.Severity == FindingSeverity.Error);
        int warnings = findings.Count(f => f.Severity == FindingSeverity.Warning);
        return $"{errors.ToString(CultureInfo.InvariantCulture)} errors, {warnings.ToString(CultureInfo.InvariantCulture)} warnings: "
            + string.Join(", ", findings.Select(f => f.Code).Distinct()) + ".";
    }

    private static string VipName(CarpVipStatus vip) =>
        vip.Interface == null ? $"vhid {vip.Vhid.ToString(CultureInfo.InvariantCulture)}" : $"vhid {vip.Vhid.ToString(CultureInfo.InvariantCulture)} on {vip.Interface}";

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
