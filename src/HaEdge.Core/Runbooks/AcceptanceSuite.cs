using System;
using System.Collections.Generic;

namespace HaEdge.Core.Runbooks;

/// <summary>
/// The Pester acceptance suite shipped in the module folder (Get-HaEdgeAcceptanceTest finds it): its file name and
/// the names of its tests of Test-HaEdge's checks.
/// </summary>
public static class AcceptanceSuite
{
    /// <summary>The suite's file in the module folder.</summary>
    public const string FileName = "HaEdge.Acceptance.Tests.ps1";

    private static readonly IReadOnlyDictionary<string, string> Holds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ReadinessChecks.Quorum] = "the cluster is quorate and the firewalls' nodes are online",
        [ReadinessChecks.VmPlacement] = "both firewall VMs run, on distinct nodes",
        [ReadinessChecks.AntiAffinity] = "the firewall VMs are kept apart",
        [ReadinessChecks.Symmetry] = "both firewalls are wired alike",
        [ReadinessChecks.SyncPath] = "pfsync runs on the sync segment, to the peer's sync address",
        [ReadinessChecks.Carp] = "one MASTER and one BACKUP per VIP, a handover possible",
        [ReadinessChecks.Standby] = "neither firewall in CARP maintenance mode: one stands by to take over",
        [ReadinessChecks.CarpVips] = "every CARP segment has its VIP on both firewalls, same vhid and advbase",
        [ReadinessChecks.Pfsync] = "state sync is up and in step",
        [ReadinessChecks.ConfigDrift] = "no config drift between the primary and the secondary",
        [ReadinessChecks.Gateways] = "every gateway is online on both firewalls",
    };

    /// <summary>The name of the suite's test of one Test-HaEdge check: the check, and what it holds.</summary>
    public static string CheckTestName(string check) =>
        Holds.TryGetValue(check ?? throw new ArgumentNullException(nameof(check)), out string? holds) ? $"{check}: {holds}" : check;
}
