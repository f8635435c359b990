using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Gateways;
using HaEdge.Core.Inventory;
using static HaEdge.Core.Failover.FailoverPlan;

namespace HaEdge.Core.Failover;

/// <summary>
/// Test-HaFailover's engine. Per scenario: preflight gates, probes and a baseline, the fault, the wait for the
/// expected failover, a settle, the undo, the failback measured the same way, and one result judged by
/// <see cref="FailoverJudge"/> (the -WhatIf plan is <see cref="FailoverPlan"/>). Whatever
/// stops a scenario (cancellation, a timeout, an SSH or API error), the fault is undone and the edge verified with
/// the restore path's own bounded token; if that fails, <see cref="FailoverRestoreIncompleteException"/> says
/// exactly what is left.
/// </summary>
internal sealed class FailoverRunner
{
    private readonly FailoverEnvironment environment;
    private readonly FailoverOptions options;
    private readonly IOperationReporter reporter;
    private readonly IFailoverClock clock;
    private readonly FailoverRunInfo? run;
    private readonly HashSet<FailoverScenario> passed = new HashSet<FailoverScenario>();

    /// <param name="run">Who runs the test, from where, with which versions: carried into every result for the report.</param>
    public FailoverRunner(FailoverEnvironment environment, FailoverOptions options, IOperationReporter reporter, IFailoverClock? clock = null,
        FailoverRunInfo? run = null)
    {
        this.environment = environment;
        this.options = options;
        this.reporter = reporter;
        this.clock = clock ?? new SystemFailoverClock();
        this.run = run;
    }

    private static string ActivityOf(FailoverScenario scenario) => "Test-HaFailover " + scenario;

    /// <summary>
    /// Runs the scenarios in order and hands each result to <paramref name="onResult"/> as its scenario ends; the
    /// next starts once that is done. After a scenario stopped by an error (the edge restored) the rest are
    /// skipped: the same error would likely stop them too.
    /// </summary>
    public async Task RunAsync(IEnumerable<FailoverScenario> scenarios, Func<FailoverResult, Task> onResult, CancellationToken cancellationToken)
    {
        foreach (var scenario in scenarios)
        {
            var result = await RunScenarioAsync(scenario, cancellationToken).ConfigureAwait(false);
            await onResult(result).ConfigureAwait(false);
            if (result.Error != null)
            {
                reporter.Warning($"{scenario} stopped on an error; the remaining scenarios were not run.");
                break;
            }
        }
    }

    /// <summary>One scenario, start to judged result. Refusals (gates, Combined first) throw before anything is touched.</summary>
    public async Task<FailoverResult> RunScenarioAsync(FailoverScenario scenario, CancellationToken cancellationToken)
    {
        var activity = ActivityOf(scenario);
        var fault = environment.FaultOf(scenario);
        var log = new ScenarioLog(clock, reporter);
        var startedAt = clock.Elapsed;
        try
        {
            return await ExecuteAsync(scenario, fault, log, activity, startedAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            reporter.Completed(activity);
        }
    }

    private async Task<FailoverResult> ExecuteAsync(FailoverScenario scenario, IFaultInjector fault, ScenarioLog log, string activity, TimeSpan startedAt,
        CancellationToken cancellationToken)
    {
        log.Event(TimelineEventKind.ScenarioStarted, null, $"{scenario}: expects {Describe(fault.Expected)}");
        if (scenario == FailoverScenario.Combined && !options.Force
            && !(passed.Contains(FailoverScenario.WanPull) && passed.Contains(FailoverScenario.HardStop)))
        {
            throw new HaEdgeException("FailoverCombinedNotAllowed", FailureKind.InvalidOperation,
                "Combined runs only after WanPull and HardStop have each passed alone in the same run; run them first, or use -Force.", scenario.ToString());
        }

        // Preflight: nothing touched yet, so a failure here simply propagates.
        reporter.Progress(activity, "Preflight: checking the gates", 0);
        var preflight = await environment.Observer.ReadPreflightAsync(cancellationToken).ConfigureAwait(false);
        var gates = FailoverGates.Evaluate(preflight, fault.Expected);
        foreach (var gate in gates) log.Event(TimelineEventKind.GateResult, gate.Gate, (gate.Passed ? "passed: " : "FAILED: ") + gate.Reason);
        if (gates.Any(g => !g.Passed))
        {
            if (!options.Force) throw new FailoverRefusedException(scenario, gates);
            reporter.Warning($"{scenario}: gates failed, going on because of -Force: {string.Join(" ", gates.Where(g => !g.Passed).Select(g => g.Reason))}");
        }

        var master = preflight.Carp.SoleOwner ?? environment.Primary;
        var peer = master == environment.Primary ? environment.Secondary : environment.Primary;
        var routeWatched = fault.Expected.HasFlag(ExpectedFailover.RouteMoves);
        // Read for every scenario: the restore check holds the default route to it. Only a scenario that moves the
        // route cannot go on without it.
        var baselineGateway = await ReadGatewayAsync(log, master, required: routeWatched, cancellationToken).ConfigureAwait(false);
        var target = new FaultTarget { Master = master, Peer = peer, WanGateway = baselineGateway };
        var statesBefore = await ReadStatesAsync(log, master, cancellationToken).ConfigureAwait(false);
        // The node whose route matters while the fault holds: the new MASTER when CARP moves.
        var failoverRouteHolder = fault.Expected.HasFlag(ExpectedFailover.CarpMoves) ? peer : master;

        var probes = new ProbeSet(environment.Probes(), clock);
        TimeSpan? faultAt = null;
        TimeSpan? undoAt = null;
        TimeSpan? movedAt = null;
        TimeSpan? failbackAt = null;
        long? statesAfter = null;
        var injected = false;
        var undone = false;
        Exception? failure = null;
        var faultDateTime = default(DateTimeOffset?);
        try
        {
            reporter.Progress(activity, $"Baseline: probes running for {Seconds(options.Baseline)}", 5);
            probes.Start();
            await WatchAsync(log, activity, "Baseline", 5, options.Baseline, null, routeWatched ? master : null, cancellationToken).ConfigureAwait(false);
            probes.RequireBaseline();

            reporter.Progress(activity, "Injecting the fault", 15);
            faultDateTime = clock.StartedAt + clock.Elapsed;
            faultAt = clock.Elapsed;
            // Set before the call: a fault that fails half way is still undone.
            injected = true;
            foreach (var step in fault.DescribeFault(target)) log.Event(TimelineEventKind.FaultInjected, master, step);
            await fault.InjectAsync(target, cancellationToken).ConfigureAwait(false);

            movedAt = await WatchAsync(log, activity, $"Waiting for {Goal(fault.Expected, target)}", 20, options.FailoverTimeout,
                o => FailoverJudge.FailoverPending(o, fault.Expected, target) == null, routeWatched ? failoverRouteHolder : null, cancellationToken).ConfigureAwait(false);
            if (movedAt.HasValue) log.Event(fault.Expected.HasFlag(ExpectedFailover.CarpMoves) ? TimelineEventKind.VipsMoved : TimelineEventKind.RouteMoved,
                failoverRouteHolder, $"{Goal(fault.Expected, target)}: seen {Seconds(movedAt.Value - faultAt.Value)} after the fault");
            else log.Event(TimelineEventKind.Error, null, $"not seen within {Seconds(options.FailoverTimeout)}: {Goal(fault.Expected, target)}");

            await WatchAsync(log, activity, "Settling", 45, options.Settle, null, routeWatched ? failoverRouteHolder : null, cancellationToken).ConfigureAwait(false);
            statesAfter = await ReadStatesAsync(log, failoverRouteHolder, cancellationToken).ConfigureAwait(false);

            reporter.Progress(activity, "Undoing the fault", 55);
            undoAt = clock.Elapsed;
            foreach (var step in fault.DescribeUndo(target)) log.Event(TimelineEventKind.FaultUndone, master, step);
            await UndoBoundedAsync(fault, target, cancellationToken).ConfigureAwait(false);
            undone = true;

            failbackAt = await WatchAsync(log, activity, "Waiting for the failback", 60, options.FailbackTimeout,
                o => FailoverJudge.FailbackPending(o, fault.Expected, target, options.FailbackToOriginal) == null, routeWatched ? master : null, cancellationToken).ConfigureAwait(false);
            if (failbackAt.HasValue)
            {
                log.Event(TimelineEventKind.FailbackComplete, master, $"edge back as before {Seconds(failbackAt.Value - undoAt.Value)} after the undo");
                await WatchAsync(log, activity, "Settling after the failback", 90, options.FailbackSettle, null, routeWatched ? master : null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var last = log.Observations.LastOrDefault();
                log.Event(TimelineEventKind.Error, master, $"no clean failback within {Seconds(options.FailbackTimeout)}"
                    + (last == null ? "" : ": " + FailoverJudge.FailbackPending(last, fault.Expected, target, options.FailbackToOriginal)));
            }
        }
        catch (Exception e)
        {
            failure = e;
            log.Event(TimelineEventKind.Error, null, e is OperationCanceledException ? "stopped (cancelled)" : e.Message);
        }

        var recordings = await probes.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        var endedAt = clock.Elapsed;
        var remaining = await EnsureRestoredAsync(log, activity, fault, target, preflight, injected && !undone).ConfigureAwait(false);
        log.Event(TimelineEventKind.ScenarioEnded, null, remaining.Count == 0 ? "edge restored" : "edge NOT restored");

        var result = FailoverJudge.Judge(new FailoverMeasurements
        {
            Scenario = scenario, Expected = fault.Expected, Fault = string.Join("; ", fault.DescribeFault(target)), Target = target, Log = log, Gates = gates,
            Recordings = recordings, RunStartedAt = clock.StartedAt, Run = run, StartedAt = startedAt, EndedAt = endedAt, FaultAt = faultAt,
            FaultDateTime = faultDateTime, UndoAt = undoAt, MovedAt = movedAt, FailbackAt = failbackAt, StatesBefore = statesBefore, StatesAfter = statesAfter,
            BaselineGateway = routeWatched ? baselineGateway : null, FailoverRouteHolder = failoverRouteHolder, Failure = failure,
        }, options);
        if (remaining.Count > 0) throw new FailoverRestoreIncompleteException(scenario, remaining, result, failure);
        if (failure is OperationCanceledException) ExceptionDispatchInfo.Capture(failure).Throw();
        if (result.Passed) passed.Add(scenario);
        reporter.Verbose($"{scenario}: {(result.Passed ? "PASSED" : "FAILED")}{(result.Reasons.Count > 0 ? ": " + string.Join(" ", result.Reasons) : "")}");
        return result;
    }

    /// <summary>
    /// Polls CARP (and one firewall's default gateway) every PollInterval, recording what changes, until
    /// <paramref name="until"/> holds (returns when it was first seen) or <paramref name="duration"/> passes (null).
    /// </summary>
    private async Task<TimeSpan?> WatchAsync(ScenarioLog log, string activity, string phase, int percent, TimeSpan duration,
        Func<Observation, bool>? until, string? routeFirewall, CancellationToken cancellationToken)
    {
        var start = clock.Elapsed;
        while (true)
        {
            var pollStart = clock.Elapsed;
            var observation = await ObserveAsync(log, routeFirewall, cancellationToken).ConfigureAwait(false);
            if (until != null && observation != null && until(observation)) return observation.At;
            var waited = clock.Elapsed - start;
            if (waited >= duration) return null;
            reporter.Progress(activity, $"{phase} ({Seconds(waited)})", percent);
            await clock.Delay(options.PollInterval - (clock.Elapsed - pollStart), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Observation?> ObserveAsync(ScenarioLog log, string? routeFirewall, CancellationToken cancellationToken)
    {
        try
        {
            var at = clock.Elapsed;
            var carp = await environment.Observer.ReadCarpAsync(cancellationToken).ConfigureAwait(false);
            var gateway = routeFirewall == null ? null : await ReadRouteAsync(log, routeFirewall, cancellationToken).ConfigureAwait(false);
            var observation = new Observation(at, carp, routeFirewall, gateway);
            log.Observe(observation);
            return observation;
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // A failing read during a fault is data, not the end of the test: keep polling until the phase's bound.
            log.ObserverFailed(e);
            return null;
        }
    }

    /// <summary>The route read of one poll; a failure loses only the route, not the CARP picture of that poll.</summary>
    private async Task<string?> ReadRouteAsync(ScenarioLog log, string firewall, CancellationToken cancellationToken)
    {
        try
        {
            return await environment.Observer.ReadDefaultGatewayAsync(firewall, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            log.ObserverFailed(e);
            return null;
        }
    }

    /// <summary>
    /// The restore path: undo the fault if it is still applied, then verify the whole edge as the fault left it
    /// (both VMs running, maintenance off, one MASTER per VIP, every gateway that was up before up again, the
    /// MASTER's default route back on its gateway), waiting for it up to the restore timeout: a rebooted firewall
    /// rejoins and a gateway monitor sees its upstream again only after a while. It runs on its own bounded token,
    /// never the caller's, which may be cancelled. Returns what is left to fix; empty when restored.
    /// </summary>
    private async Task<IReadOnlyList<string>> EnsureRestoredAsync(ScenarioLog log, string activity, IFaultInjector fault, FaultTarget target,
        PreflightSnapshot before, bool undoPending)
    {
        var remaining = new List<string>();
        using var bound = new CancellationTokenSource(options.RestoreTimeout);
        var deadline = clock.Elapsed + options.RestoreTimeout;
        var undoFailed = false;
        if (undoPending)
        {
            reporter.Progress(activity, "Restoring: undoing the fault", 95);
            foreach (var step in fault.DescribeUndo(target))
            {
                log.Event(TimelineEventKind.FaultUndone, target.Master, "restore: " + step);
                reporter.Warning($"Restoring the edge: {step}.");
            }

            try
            {
                await UndoPatientlyAsync(fault, target, deadline, bound.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                undoFailed = true;
                var what = string.Join("; ", fault.DescribeUndo(target));
                remaining.Add($"Undo did not complete ({(e is OperationCanceledException ? "no end within " + Seconds(options.RestoreTimeout) : e.Message)}): still to do: {what}.");
                log.Event(TimelineEventKind.Error, target.Master, "restore: undo failed: " + e.Message);
            }
        }

        reporter.Progress(activity, "Verifying the edge is restored", 97);
        IReadOnlyList<string> problems;
        while (true)
        {
            try
            {
                var snapshot = await environment.Observer.ReadPreflightAsync(bound.Token).ConfigureAwait(false);
                var route = target.WanGateway == null ? null : new RouteReading
                {
                    Firewall = target.Master,
                    Expected = target.WanGateway,
                    Actual = await environment.Observer.ReadDefaultGatewayAsync(target.Master, bound.Token).ConfigureAwait(false),
                };
                problems = FailoverGates.RestoreProblems(snapshot, before, route, options.FailbackToOriginal);
            }
            catch (Exception e)
            {
                problems = new[] { $"The edge could not be read to verify it ({(e is OperationCanceledException ? "no answer within " + Seconds(options.RestoreTimeout) : e.Message)}): check Get-CarpStatus, Get-PfGateway and Get-HaEdgeVm." };
            }

            // After a failed undo waiting cannot help; otherwise give the edge its time to recover.
            if (problems.Count == 0 || undoFailed || clock.Elapsed >= deadline || bound.IsCancellationRequested) break;
            reporter.Progress(activity, $"Verifying the edge is restored: waiting for {problems[0]}", 97);
            try
            {
                await clock.Delay(options.PollInterval, bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        remaining.AddRange(problems);
        foreach (var problem in problems) log.Event(TimelineEventKind.Error, null, "not restored: " + problem);
        return remaining;
    }

    private async Task<long?> ReadStatesAsync(ScenarioLog log, string firewall, CancellationToken cancellationToken)
    {
        try
        {
            var states = await environment.Observer.ReadStateCountAsync(firewall, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"{firewall}: {(states.HasValue ? states.Value.ToString(CultureInfo.InvariantCulture) + " states" : "state count unknown")}.");
            return states;
        }
        catch (Exception e) when (!(e is OperationCanceledException))
        {
            log.ObserverFailed(e);
            return null;
        }
    }

    /// <summary>
    /// The undo on the normal path, bounded by the restore timeout as the restore path's is: an undo that never
    /// ends (a user's restore script that hangs) becomes an error, and the restore path tries once more.
    /// </summary>
    private async Task UndoBoundedAsync(IFaultInjector fault, FaultTarget target, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.RestoreTimeout);
        try
        {
            await UndoPatientlyAsync(fault, target, clock.Elapsed + options.RestoreTimeout, bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HaEdgeException("FailoverUndoTimeout", FailureKind.OperationTimeout,
                $"The undo did not finish within {Seconds(options.RestoreTimeout)}: {string.Join("; ", fault.DescribeUndo(target))}.", target.Master, e);
        }
    }

    /// <summary>
    /// Undoes the fault, and again while it fails in a way time cures (a firewall still booting refuses the SSH
    /// connection that clears its gateway's force_down), until <paramref name="deadline"/> on the run's clock;
    /// then the last such failure stands. Undo steps are idempotent, so repeating the ones that worked is safe.
    /// </summary>
    private async Task UndoPatientlyAsync(IFaultInjector fault, FaultTarget target, TimeSpan deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await fault.UndoAsync(target, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (IsTransient(e) && clock.Elapsed + UndoRetryInterval < deadline && !cancellationToken.IsCancellationRequested)
            {
                reporter.Verbose($"Undo: {e.Message} Trying again.");
                try
                {
                    await clock.Delay(UndoRetryInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    ExceptionDispatchInfo.Capture(e).Throw();
                }
            }
        }
    }

    private static readonly TimeSpan UndoRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>A failure that waiting can cure: the peer not answering (yet), or not in time.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        HaEdgeException { InnerException: AggregateException all } when all.InnerExceptions.Count > 0 => all.InnerExceptions.All(IsTransient),
        HaEdgeException failure => failure.Kind == FailureKind.ConnectionError || failure.Kind == FailureKind.OperationTimeout,
        _ => false,
    };

    /// <param name="required">When false, a failed read is logged and gives null (no route to hold the restore to).</param>
    private async Task<string?> ReadGatewayAsync(ScenarioLog log, string firewall, bool required, CancellationToken cancellationToken)
    {
        string? gateway;
        try
        {
            gateway = await environment.Observer.ReadDefaultGatewayAsync(firewall, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!required && !(e is OperationCanceledException))
        {
            log.ObserverFailed(e);
            return null;
        }

        log.Event(TimelineEventKind.Phase, firewall, $"default route via {gateway ?? "(none)"} before the fault");
        return gateway;
    }
}
