using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.Gateways;

namespace HaEdge.Core.Failover;

/// <summary>
/// The preflight gates and the restore check: pure functions of a <see cref="PreflightSnapshot"/>. A fault is
/// injected only into an edge that can absorb it; a failed gate refuses the test with its reason unless forced.
/// </summary>
internal static class FailoverGates
{
    public const string OneMasterPerVip = "OneMasterPerVip";
    public const string PeerHealthy = "PeerHealthy";
    public const string PfsyncInSync = "PfsyncInSync";
    public const string PeerGatewaysOnline = "PeerGatewaysOnline";
    public const string AntiAffinity = "AntiAffinity";
    public const string DefaultRouteFollowsGateways = "DefaultRouteFollowsGateways";

    /// <summary>
    /// The five gates every scenario passes, in this order: one MASTER per VIP, peer healthy, pfsync, peer gateways,
    /// anti-affinity; and, when <paramref name="expected"/> includes a move of the default route, a sixth: the default
    /// gateway setting lets the route follow gateway health at all.
    /// </summary>
    public static IReadOnlyList<GateResult> Evaluate(PreflightSnapshot snapshot, ExpectedFailover expected = ExpectedFailover.CarpMoves)
    {
        var master = snapshot.Carp.SoleOwner;
        var peer = master == null ? null : snapshot.Carp.Firewalls.FirstOrDefault(f => f.Firewall != master);
        var gates = new List<GateResult>
        {
            OneMaster(snapshot.Carp),
            Peer(snapshot.Carp, master, peer),
            Pfsync(snapshot),
            Gateways(snapshot, master, peer?.Firewall),
            Affinity(snapshot),
        };
        if (expected.HasFlag(ExpectedFailover.RouteMoves)) gates.Add(DefaultRoute(snapshot));
        return gates;
    }

    /// <summary>
    /// What is left to fix for the edge to be as before a scenario: both VMs running, maintenance off, one MASTER
    /// per VIP, both firewalls readable; with <paramref name="before"/> (the preflight reading), every gateway that
    /// was up then is up again; with <paramref name="route"/>, the original MASTER's default route is back on its
    /// gateway; with <paramref name="backOnOriginal"/> too, every VIP is MASTER where it was then (CARP preemption
    /// gives them back: an edge read in the moment before it does is not yet as it was). Empty when restored. Each
    /// entry says what to do.
    /// </summary>
    public static IReadOnlyList<string> RestoreProblems(PreflightSnapshot snapshot, PreflightSnapshot? before = null, RouteReading? route = null,
        bool backOnOriginal = false)
    {
        var problems = new List<string>();
        if (snapshot.VmFailure != null) problems.Add($"The firewall VMs could not be read from Proxmox ({snapshot.VmFailure}): check that both are running.");
        foreach (var vm in snapshot.Vms.Where(v => !v.Running))
        {
            problems.Add($"VM {vm.VmId} ({vm.Firewall}){(vm.Node.Length > 0 ? " on " + vm.Node : "")} is not running: start it.");
        }

        foreach (var firewall in snapshot.Carp.Firewalls)
        {
            if (!firewall.Reachable) problems.Add($"{firewall.Firewall} cannot be read over SSH ({firewall.Error}): check it is up and CARP is BACKUP or MASTER there.");
            else if (firewall.Maintenance) problems.Add($"{firewall.Firewall} is in CARP maintenance mode: run 'Set-CarpMaintenance -Disable -Firewall {firewall.Firewall}'.");
        }

        foreach (var vip in snapshot.Carp.Vips)
        {
            var masters = snapshot.Carp.MastersOf(vip);
            if (masters.Count == 0) problems.Add($"{vip} has no MASTER: nobody answers for it.");
            else if (masters.Count > 1) problems.Add($"{vip} is MASTER on both {string.Join(" and ", masters)} (split brain).");
        }

        if (before != null && backOnOriginal) problems.AddRange(MovedVips(snapshot, before));
        if (before != null) problems.AddRange(GatewayProblems(snapshot, before));
        if (route != null && !string.Equals(route.Actual, route.Expected, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"The default route of {route.Firewall} is {route.Actual ?? "unknown"}, not {route.Expected} as before: check Get-PfGateway -Firewall {route.Firewall}"
                + " (a gateway still marked down, or its monitor not yet seeing it up).");
        }

        return problems;
    }

    /// <summary>
    /// VIPs with one MASTER now and at preflight, but not the same one, while that one answers and is out of
    /// maintenance (when it is not, what is said of it already says why it holds no VIP).
    /// </summary>
    private static IEnumerable<string> MovedVips(PreflightSnapshot now, PreflightSnapshot before)
    {
        var standing = now.Carp.Firewalls.Where(f => f.Reachable && !f.Maintenance).Select(f => f.Firewall).ToList();
        foreach (var vip in now.Carp.Vips)
        {
            var master = now.Carp.MastersOf(vip);
            var earlier = before.Carp.MastersOf(vip);
            if (master.Count == 1 && earlier.Count == 1 && !string.Equals(master[0], earlier[0], StringComparison.OrdinalIgnoreCase)
                && standing.Contains(earlier[0], StringComparer.OrdinalIgnoreCase))
            {
                yield return $"{vip} is MASTER on {master[0]}, not on {earlier[0]} as before: CARP preemption gives it back once {earlier[0]} advertises again;"
                    + $" if it does not, check {earlier[0]}'s advskew and demotion (Get-CarpStatus -Firewall {earlier[0]}).";
            }
        }
    }

    /// <summary>Gateways that were up at preflight and are not now (or can no longer be read).</summary>
    private static IEnumerable<string> GatewayProblems(PreflightSnapshot now, PreflightSnapshot before)
    {
        foreach (var earlier in before.Gateways.Where(g => IsUp(g.Health)))
        {
            if (now.GatewayFailures.Any(f => string.Equals(FirewallOf(f), earlier.Firewall, StringComparison.OrdinalIgnoreCase))) continue;
            var current = now.Gateways.FirstOrDefault(g => string.Equals(g.Firewall, earlier.Firewall, StringComparison.OrdinalIgnoreCase)
                && string.Equals(g.Name, earlier.Name, StringComparison.OrdinalIgnoreCase));
            if (current == null) yield return $"Gateway {earlier.Name} of {earlier.Firewall} is gone from its gateway status: check Get-PfGateway -Firewall {earlier.Firewall}.";
            else if (!IsUp(current.Health)) yield return $"Gateway {earlier.Name} of {earlier.Firewall} is {current.Status}, not online as before: clear a force_down left on it, or restore the upstream.";
        }

        foreach (var failure in now.GatewayFailures.Where(f => !before.GatewayFailures.Any(b => FirewallOf(b) == FirewallOf(f))))
        {
            yield return $"The gateways could not be read ({failure}): check Get-PfGateway.";
        }
    }

    /// <summary>The firewall a gateway failure names (they read "fw1: why").</summary>
    private static string FirewallOf(string failure) => failure.Split(':')[0];

    private static bool IsUp(GatewayHealth health) => health == GatewayHealth.Online || health == GatewayHealth.Warning;

    private static GateResult OneMaster(CarpSnapshot carp)
    {
        var vips = carp.Vips;
        if (vips.Count == 0) return Fail(OneMasterPerVip, "No CARP VIP was found on either firewall.");
        var wrong = vips.Select(v => (Vip: v, Masters: carp.MastersOf(v))).Where(x => x.Masters.Count != 1)
            .Select(x => x.Masters.Count == 0 ? $"{x.Vip} has no MASTER" : $"{x.Vip} is MASTER on {string.Join(" and ", x.Masters)}").ToList();
        if (wrong.Count > 0) return Fail(OneMasterPerVip, string.Join("; ", wrong) + ".");
        var owner = carp.SoleOwner;
        return owner == null
            ? Fail(OneMasterPerVip, "The VIPs are split between the firewalls: a fault would test only part of them.")
            : Pass(OneMasterPerVip, $"{owner} is the only MASTER of all {vips.Count} VIPs.");
    }

    private static GateResult Peer(CarpSnapshot carp, string? master, FirewallCarpView? peer)
    {
        if (master == null || peer == null) return Fail(PeerHealthy, "Without one MASTER of every VIP there is no peer to judge.");
        if (!peer.Reachable) return Fail(PeerHealthy, $"{peer.Firewall} cannot be read: {peer.Error}");
        if (peer.Maintenance) return Fail(PeerHealthy, $"{peer.Firewall} is in CARP maintenance mode and would not take over.");
        var missing = carp.Vips.Where(v => peer.Vips.All(p => p.Vip != v)).ToList();
        if (missing.Count > 0) return Fail(PeerHealthy, $"{peer.Firewall} lacks {string.Join(", ", missing)}.");
        var notBackup = peer.Vips.Where(v => v.State != CarpState.Backup).Select(v => $"{v.Vip} is {v.State.ToString().ToUpperInvariant()}").ToList();
        if (notBackup.Count > 0) return Fail(PeerHealthy, $"{peer.Firewall} is not BACKUP everywhere: {string.Join(", ", notBackup)}.");
        var masterView = carp.Firewall(master);
        if (masterView != null && masterView.Maintenance) return Fail(PeerHealthy, $"{master} is in CARP maintenance mode.");
        return Pass(PeerHealthy, $"{peer.Firewall} is reachable and BACKUP of every VIP.");
    }

    private static GateResult Pfsync(PreflightSnapshot snapshot) => snapshot.PfsyncInSync switch
    {
        true => Pass(PfsyncInSync, "pfsync is in sync between the firewalls."),
        false => Fail(PfsyncInSync, Join(snapshot.PfsyncReasons, "pfsync is not in sync.")),
        null => Fail(PfsyncInSync, Join(snapshot.PfsyncReasons, "pfsync could not be read.")),
    };

    private static GateResult Gateways(PreflightSnapshot snapshot, string? master, string? peer)
    {
        if (peer == null) return Fail(PeerGatewaysOnline, "Without one MASTER of every VIP there is no peer to judge.");
        var failure = snapshot.GatewayFailures.FirstOrDefault(f => f.IndexOf(peer, StringComparison.OrdinalIgnoreCase) >= 0);
        if (failure != null) return Fail(PeerGatewaysOnline, failure);
        var gateways = snapshot.Gateways.Where(g => g.Firewall == peer).ToList();
        if (gateways.Count == 0) return Fail(PeerGatewaysOnline, $"{peer} reports no gateway.");
        var down = gateways.Where(g => g.Health == GatewayHealth.Down || g.Health == GatewayHealth.Unknown).Select(g => $"{g.Name} is {g.Status}").ToList();
        return down.Count > 0
            ? Fail(PeerGatewaysOnline, $"{peer} would take over with gateways not online: {string.Join(", ", down)}.")
            : Pass(PeerGatewaysOnline, $"{peer}'s {gateways.Count} gateways are online.");
    }

    private static GateResult Affinity(PreflightSnapshot snapshot)
    {
        if (snapshot.VmFailure != null) return Fail(AntiAffinity, $"The firewall VMs could not be read: {snapshot.VmFailure}");
        if (snapshot.Vms.Count < 2) return Fail(AntiAffinity, "Proxmox does not report both firewall VMs.");
        var stopped = snapshot.Vms.Where(v => !v.Running).Select(v => $"VM {v.VmId} ({v.Firewall})").ToList();
        if (stopped.Count > 0) return Fail(AntiAffinity, $"{string.Join(" and ", stopped)} {(stopped.Count == 1 ? "is" : "are")} not running.");
        var shared = snapshot.Vms.GroupBy(v => v.Node, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return shared != null
            ? Fail(AntiAffinity, $"{string.Join(" and ", shared.Select(v => v.Firewall))} both run on {shared.Key}: losing that node loses the edge.")
            : Pass(AntiAffinity, string.Join(", ", snapshot.Vms.Select(v => $"{v.Firewall} on {v.Node}")) + ".");
    }

    /// <summary>
    /// pfSense's fixup_default_gateway() (gwlb.inc) moves the default route off a down (or marked down) gateway only
    /// when "Default gateway IPv4" is a gateway group or Automatic; a fixed gateway is kept as it is, dead or not.
    /// </summary>
    private static GateResult DefaultRoute(PreflightSnapshot snapshot)
    {
        if (snapshot.DefaultGateways.Count == 0) return Fail(DefaultRouteFollowsGateways, "The default gateway setting of the firewalls could not be read.");
        var problems = new List<string>();
        foreach (var firewall in snapshot.DefaultGateways)
        {
            if (firewall.Setting == null) problems.Add($"{firewall.Firewall}'s default gateway setting could not be read ({firewall.Error})");
            else if (firewall.Setting == "-") problems.Add($"{firewall.Firewall} has no default gateway (Default gateway IPv4 is None)");
            else if (firewall.Setting.Length > 0 && !firewall.IsGroup)
                problems.Add($"{firewall.Firewall}'s default gateway is fixed to {firewall.Setting}, and pfSense keeps a fixed default route on its gateway even when that gateway is down");
        }

        if (problems.Count > 0)
        {
            return Fail(DefaultRouteFollowsGateways, string.Join("; ", problems)
                + ". Set System > Routing > Gateways > Default gateway IPv4 to the gateway group (or Automatic), or test the WAN with -WanPullMethod LinkDown.");
        }

        return Pass(DefaultRouteFollowsGateways, string.Join(", ", snapshot.DefaultGateways.Select(f =>
            $"{f.Firewall}: {(f.Setting!.Length == 0 ? "Automatic" : "gateway group " + f.Setting)}")) + ": the default route follows gateway health.");
    }

    private static string Join(IReadOnlyList<string> reasons, string fallback) => reasons.Count == 0 ? fallback : string.Join(" ", reasons);

    private static GateResult Pass(string gate, string reason) => new GateResult { Gate = gate, Passed = true, Reason = reason };

    private static GateResult Fail(string gate, string reason) => new GateResult { Gate = gate, Passed = false, Reason = reason };
}
