using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Carp;

/// <summary>
/// Set-CarpMaintenance: pfSense's persistent maintenance mode (<c>pfSsh.php playback enablecarpmaint</c>), watched
/// until the VIPs have moved, and undone when they do not move in time or the wait is stopped.
/// </summary>
internal sealed class CarpMaintenanceService
{
    private const string Activity = "Set-CarpMaintenance";
    private readonly FirewallShell shell;
    private readonly CarpStatusService status;

    public CarpMaintenanceService(FirewallShell shell)
    {
        this.shell = shell;
        status = new CarpStatusService(shell);
    }

    /// <summary>How often the pair is re-read while waiting.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Reads the pair and refuses a change that cannot work: the firewall unreachable, or on -Enable a peer that
    /// cannot take every VIP (unreachable, CARP disabled, in maintenance itself, missing a VIP, or advertising the
    /// maximum skew so the two would tie).
    /// </summary>
    public async Task<CarpPairReport> CheckAsync(FirewallDefinition firewall, bool enable, CancellationToken cancellationToken)
    {
        var report = await status.ReadAsync(cancellationToken).ConfigureAwait(false);
        var node = report.Node(firewall.Name);
        var peer = report.Node(shell.Session.Definition.PeerOf(firewall).Name);
        if (!node.Reachable) throw node.Failure!;
        if (!enable) return report;

        string? why = null;
        if (!peer.Reachable) why = $"{peer.Firewall} could not be read ({peer.Failure!.Message})";
        else if (!peer.Sysctl!.Allow) why = $"{peer.Firewall} has CARP disabled (net.inet.carp.allow=0)";
        else if (peer.Vips.Any(v => v.AdvSkew == CarpPairAnalyzer.MaintenanceSkew)) why = $"{peer.Firewall} is in maintenance mode itself";
        else
        {
            var missing = node.Vips.Where(v => CarpPairAnalyzer.Counterpart(peer, v) == null).Select(CarpPairAnalyzer.NameOf).ToList();
            var tied = node.Vips.Select(v => CarpPairAnalyzer.Counterpart(peer, v)).Where(p => p != null
                && CarpPairAnalyzer.EffectiveSkew(p.AdvSkew, peer.Sysctl.Demotion) >= CarpPairAnalyzer.MaxSkew).Select(p => CarpPairAnalyzer.NameOf(p!)).ToList();
            if (missing.Count > 0) why = $"{peer.Firewall} has no {string.Join(", ", missing)}";
            else if (tied.Count > 0)
                why = $"{peer.Firewall} already advertises skew {CarpPairAnalyzer.MaxSkew} on {string.Join(", ", tied)}, as {firewall.Name} would in maintenance mode, "
                    + $"so it would not take over (lower the primary's advskew below {CarpPairAnalyzer.PrimarySkewLimit} or clear the peer's demotion)";
        }

        if (why != null)
        {
            throw new HaEdgeException("CarpHandoverNotPossible", FailureKind.InvalidOperation,
                $"Maintenance mode was not entered on {firewall.Name}: {why}. Entering it now would leave the VIPs without a working MASTER.", firewall.Name);
        }

        return report;
    }

    /// <summary>
    /// Refuses -Enable on both members of the pair: with both in maintenance mode no firewall stands by for the
    /// VIPs, which is how an edge goes down in one command. Null when the targets are fine.
    /// </summary>
    public static HaEdgeException? RefuseWholeEdge(IReadOnlyCollection<FirewallDefinition> targets, bool enable) =>
        enable && targets.Count > 1
            ? new HaEdgeException("CarpMaintenanceWholeEdge", FailureKind.InvalidOperation,
                $"Maintenance mode was not entered: {string.Join(" and ", targets.Select(t => t.Name))} are both members of the pair, and with both in "
                + "maintenance mode no firewall stands by to take the VIPs. Enter it on one firewall at a time, or add -Force if the whole edge "
                + "is meant to go.", string.Join(",", targets.Select(t => t.Name)))
            : null;

    /// <summary>
    /// Enters or leaves maintenance mode on <paramref name="firewall"/>; unless <paramref name="wait"/> is false, waits
    /// until the handover is seen. On a timeout or cancellation the opposite command is run so nothing is left half done.
    /// </summary>
    public async Task<CarpMaintenanceResult> SetAsync(FirewallDefinition firewall, bool enable, bool wait, TimeSpan timeout,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var peer = shell.Session.Definition.PeerOf(firewall);
        var watch = Stopwatch.StartNew();
        reporter.Progress(Activity, $"{(enable ? "Entering" : "Leaving")} maintenance mode on {firewall.Name}", -1);
        try
        {
            await RunPlaybackAsync(firewall, enable, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (MayHaveRun(e))
        {
            // The command may have run with its answer lost (a timeout, a dropped connection): maintenance may be on
            // with nothing watching it. Undo it as a failed handover is undone, and say so.
            var undo = await UndoAsync(firewall, peer, enable, timeout, reporter).ConfigureAwait(false);
            reporter.Completed(Activity);
            if (e is OperationCanceledException) throw;
            throw new HaEdgeException("CarpMaintenanceCommandLost", ((HaEdgeException)e).Kind,
                $"{(enable ? "Entering" : "Leaving")} maintenance mode on {firewall.Name}: the command's answer was lost ({e.Message}), so it may have run. "
                + (undo ?? $"It was undone: maintenance mode is {(enable ? "off" : "on")} on {firewall.Name}, as before."), firewall.Name, e);
        }

        if (!wait)
        {
            reporter.Completed(Activity);
            return Result(firewall, peer, enable, verified: false, watch.Elapsed, (await status.ReadAsync(cancellationToken).ConfigureAwait(false)).Vips);
        }

        var goal = enable ? $"{peer.Name} to take over every VIP" : $"{firewall.Name} to leave maintenance mode on every VIP";
        reporter.Verbose($"{(enable ? "Entered" : "Left")} maintenance mode on {firewall.Name}; waiting up to {Seconds(timeout)} for {goal}.");
        CarpPairReport? last = null;
        try
        {
            last = await WaitForAsync(report => HandedOver(report, firewall, peer, enable), goal, timeout, reporter, cancellationToken).ConfigureAwait(false);
            reporter.Completed(Activity);
            var skipped = OutOfMaintenance(last, firewall);
            if (enable && skipped.Count > 0)
            {
                reporter.Warning($"{firewall.Name}: {string.Join(", ", skipped.Select(CarpPairAnalyzer.NameOf))} stayed INIT (interface down or disabled). "
                    + "pfSense leaves a VIP on a disabled interface out of maintenance mode, so it was not waited for; check its interface with Get-CarpStatus.");
            }

            reporter.Verbose($"{(enable ? $"{peer.Name} owns every VIP" : $"{firewall.Name} is out of maintenance mode")} after {Seconds(watch.Elapsed)}.");
            return Result(firewall, peer, enable, verified: true, watch.Elapsed, last.Vips);
        }
        catch (Exception e) when (e is HandoverTimeoutException || e is OperationCanceledException)
        {
            var undo = await UndoAsync(firewall, peer, enable, timeout, reporter).ConfigureAwait(false);
            reporter.Completed(Activity);
            if (e is OperationCanceledException)
            {
                if (undo != null) reporter.Warning(undo);
                throw;
            }

            var pending = ((HandoverTimeoutException)e).Pending;
            throw new HaEdgeException("CarpHandoverTimeout", FailureKind.OperationTimeout,
                $"{(enable ? "Entering" : "Leaving")} maintenance mode on {firewall.Name}: no handover within {Seconds(timeout)} ({pending}). "
                + (undo ?? $"It was undone: maintenance mode is {(enable ? "off" : "on")} again on {firewall.Name}, as before."), firewall.Name);
        }
    }

    /// <summary>Runs the opposite command and waits for it; returns null when the pair is back as before, else what is left to fix.</summary>
    private async Task<string?> UndoAsync(FirewallDefinition firewall, FirewallDefinition peer, bool enable, TimeSpan timeout, IOperationReporter reporter)
    {
        // The caller's token may be the one that was cancelled: the undo gets its own, bounded one.
        using var bounded = new CancellationTokenSource(timeout + shell.Timeout);
        var fix = $"Set-CarpMaintenance -{(enable ? "Disable" : "Enable")} -Firewall {firewall.Name}";
        try
        {
            reporter.Warning($"Undoing: {(enable ? "leaving" : "entering")} maintenance mode on {firewall.Name} again.");
            await RunPlaybackAsync(firewall, !enable, bounded.Token).ConfigureAwait(false);
            await WaitForAsync(report => HandedOver(report, firewall, peer, !enable), "the pair to return to its state before", timeout, reporter, bounded.Token)
                .ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is HaEdgeException || e is HandoverTimeoutException || e is OperationCanceledException)
        {
            return $"Undoing it did not complete ({e.Message}): check Get-CarpStatus and run '{fix}' if maintenance mode is still {(enable ? "on" : "off")}.";
        }
    }

    /// <summary>A failure after which the command may still have run on the firewall.</summary>
    private static bool MayHaveRun(Exception e) =>
        e is OperationCanceledException
        || e is HaEdgeException h && (h.Kind == FailureKind.OperationTimeout || h.Kind == FailureKind.ConnectionError) && h.ErrorId != "SshUnreachable";

    private async Task RunPlaybackAsync(FirewallDefinition firewall, bool enable, CancellationToken cancellationToken)
    {
        var command = enable ? PfSenseCommands.EnableMaintenance : PfSenseCommands.DisableMaintenance;
        var result = await shell.RunAsync(firewall, command, cancellationToken).ConfigureAwait(false);
        // pfSsh.php prints its errors on stdout and may still exit 0.
        var said = UntrustedText.ForMessage(result.Output + "\n" + result.Error);
        if (result.ExitStatus != 0 || said.IndexOf("Error", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            throw new HaEdgeException("CarpMaintenanceCommandFailed", FailureKind.InvalidOperation,
                $"{firewall.Name}: '{command}' failed (exit status {result.ExitStatus}){(said.Length > 0 ? ": " + said : "")}", firewall.Name);
        }
    }

    private async Task<CarpPairReport> WaitForAsync(Func<CarpPairReport, string?> pendingOf, string goal, TimeSpan timeout,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var report = await status.ReadAsync(cancellationToken).ConfigureAwait(false);
            var pending = pendingOf(report);
            if (pending == null) return report;
            if (watch.Elapsed >= timeout) throw new HandoverTimeoutException(pending);
            reporter.Progress(Activity, $"Waiting for {goal}: {pending}", (int)Math.Min(99, 100 * watch.Elapsed.TotalMilliseconds / timeout.TotalMilliseconds));
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Null once the change is complete, else what is still missing.</summary>
    internal static string? HandedOver(CarpPairReport report, FirewallDefinition firewall, FirewallDefinition peer, bool enable)
    {
        var node = report.Node(firewall.Name);
        var other = report.Node(peer.Name);
        if (!node.Reachable) return $"{firewall.Name} could not be read: {node.Failure!.Message}";
        if (enable)
        {
            if (!other.Reachable) return $"{peer.Name} could not be read: {other.Failure!.Message}";
            var left = node.Vips.Except(OutOfMaintenance(report, firewall)).Where(v => v.AdvSkew != CarpPairAnalyzer.MaintenanceSkew || v.State != CarpState.Backup
                || CarpPairAnalyzer.Counterpart(other, v)?.State != CarpState.Master).Select(CarpPairAnalyzer.NameOf).ToList();
            return left.Count == 0 ? null : $"not yet moved to {peer.Name}: {string.Join(", ", left)}";
        }

        var still = node.Vips.Where(v => v.AdvSkew == CarpPairAnalyzer.MaintenanceSkew).Select(CarpPairAnalyzer.NameOf).ToList();
        if (still.Count > 0) return $"still at advskew {CarpPairAnalyzer.MaintenanceSkew}: {string.Join(", ", still)}";
        if (!other.Reachable)
        {
            // The only node left must answer for every VIP.
            var notMaster = node.Vips.Where(v => v.State != CarpState.Master).Select(CarpPairAnalyzer.NameOf).ToList();
            return notMaster.Count == 0 ? null : $"not MASTER on {firewall.Name} while {peer.Name} cannot be read: {string.Join(", ", notMaster)}";
        }

        var waiting = new List<string>();
        foreach (var vip in node.Vips)
        {
            var peerVip = CarpPairAnalyzer.Counterpart(other, vip);
            var mine = CarpPairAnalyzer.EffectiveSkew(vip.AdvSkew, node.Sysctl!.Demotion);
            var theirs = peerVip == null ? CarpPairAnalyzer.MaxSkew + 1 : CarpPairAnalyzer.EffectiveSkew(peerVip.AdvSkew, other.Sysctl!.Demotion);
            // With preempt a node that advertises the lower skew takes the VIP back; without it the VIP stays with the peer.
            // Either way exactly one MASTER: the peer stays MASTER too until it hears this node's next advertisement.
            var shouldBeMaster = node.Sysctl.Preempt && mine < theirs;
            var masters = (vip.State == CarpState.Master ? 1 : 0) + (peerVip?.State == CarpState.Master ? 1 : 0);
            if (masters != 1 || (shouldBeMaster && vip.State != CarpState.Master)) waiting.Add(CarpPairAnalyzer.NameOf(vip));
        }

        return waiting.Count == 0 ? null : $"not yet back on {firewall.Name}: {string.Join(", ", waiting)}";
    }

    /// <summary>
    /// VIPs pfSense leaves out of maintenance mode: interface_carp_configure() skips a VIP whose interface is disabled
    /// (or missing), and FreeBSD shows such a VIP as INIT. Waiting for them to move would only time out.
    /// </summary>
    internal static IReadOnlyList<CarpVip> OutOfMaintenance(CarpPairReport report, FirewallDefinition firewall) =>
        report.Node(firewall.Name).Vips.Where(v => v.State == CarpState.Init).ToList();

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static CarpMaintenanceResult Result(FirewallDefinition firewall, FirewallDefinition peer, bool enable, bool verified,
        TimeSpan elapsed, IReadOnlyList<CarpVipStatus> vips) => new CarpMaintenanceResult
        {
            Firewall = firewall.Name,
            Peer = peer.Name,
            Maintenance = enable,
            Verified = verified,
            Elapsed = elapsed,
            Status = vips,
        };

    /// <summary>The wait ran out; carries what was still missing.</summary>
    private sealed class HandoverTimeoutException : Exception
    {
        public HandoverTimeoutException(string pending)
            : base("no handover in time: " + pending)
        {
            Pending = pending;
        }

        public string Pending { get; }
    }
}
