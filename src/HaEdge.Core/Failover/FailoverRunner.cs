using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Model.Failover;
using HaEdge.Core.Model.PfSense;

namespace HaEdge.Core.Failover
{
    /// <summary>
    /// Test-HaFailover's engine. Per scenario: preflight gates, probes and a baseline, the fault, the wait for the
    /// expected failover, a settle, the undo, the failback measured the same way, and one judged result. Whatever
    /// stops a scenario (cancellation, a timeout, an SSH or API error), the fault is undone and the edge verified with
    /// the restore path's own bounded token; if that fails, <see cref="FailoverRestoreIncompleteException"/> says
    /// exactly what is left.
    /// </summary>
    public sealed class FailoverRunner
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

        /// <summary>The scenarios that passed so far in this run (Combined needs WanPull and HardStop among them).</summary>
        public IReadOnlyCollection<FailoverScenario> PassedScenarios => passed;

        public static string ActivityOf(FailoverScenario scenario) => "Test-HaFailover " + scenario;

        /// <summary>The steps a run would take, for -WhatIf: reads nothing and touches nothing.</summary>
        public IReadOnlyList<FailoverPlanStep> Plan(IEnumerable<FailoverScenario> scenarios)
        {
            var target = new FaultTarget { Master = environment.Primary, Peer = environment.Secondary };
            var steps = new List<FailoverPlanStep>();
            void Add(FailoverScenario scenario, PlanStepKind kind, string subject, string action) =>
                steps.Add(new FailoverPlanStep { Order = steps.Count + 1, Scenario = scenario, Kind = kind, Target = subject, Action = action });

            foreach (var scenario in scenarios)
            {
                var fault = environment.FaultOf(scenario);
                Add(scenario, PlanStepKind.Check, "edge",
                    "Check the gates: one MASTER per VIP, the peer healthy, pfsync in sync, the peer's gateways online, the VMs on distinct nodes"
                    + (fault.Expected.HasFlag(ExpectedFailover.RouteMoves) ? ", a default gateway setting that lets the route follow gateway health" : ""));
                Add(scenario, PlanStepKind.Wait, "probes", $"Start the probes and hold a {Seconds(options.Baseline)} baseline");
                foreach (var step in fault.DescribeFault(target)) Add(scenario, PlanStepKind.Fault, target.Master, step);
                Add(scenario, PlanStepKind.Wait, target.Peer, $"Wait up to {Seconds(options.FailoverTimeout)} for {Goal(fault.Expected, target)}, then hold {Seconds(options.Settle)}");
                foreach (var step in fault.DescribeUndo(target)) Add(scenario, PlanStepKind.Undo, target.Master, step);
                Add(scenario, PlanStepKind.Wait, target.Master,
                    $"Wait up to {Seconds(options.FailbackTimeout)} for the failback: one MASTER per VIP{(options.FailbackToOriginal ? " on " + target.Master : "")}"
                    + (fault.Expected.HasFlag(ExpectedFailover.RouteMoves) ? ", the default route back on its gateway" : ""));
            }

            return steps;
        }

        /// <summary>Reads the edge and judges the gates (no fault, no refusal).</summary>
        public async Task<IReadOnlyList<GateResult>> PreflightAsync(CancellationToken cancellationToken)
        {
            var snapshot = await environment.Observer.ReadPreflightAsync(cancellationToken).ConfigureAwait(false);
            return FailoverGates.Evaluate(snapshot);
        }

        /// <summary>
        /// Runs the scenarios in order and returns their results. After a scenario stopped by an error (the edge
        /// restored) the rest are skipped: the same error would likely stop them too.
        /// </summary>
        public async Task<IReadOnlyList<FailoverResult>> RunAsync(IEnumerable<FailoverScenario> scenarios, CancellationToken cancellationToken)
        {
            var results = new List<FailoverResult>();
            foreach (var scenario in scenarios)
            {
                var result = await RunScenarioAsync(scenario, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                if (result.Error != null)
                {
                    reporter.Warning($"{scenario} stopped on an error; the remaining scenarios were not run.");
                    break;
                }
            }

            return results;
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
                    o => FailoverPending(o, fault.Expected, target) == null, routeWatched ? failoverRouteHolder : null, cancellationToken).ConfigureAwait(false);
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
                    o => FailbackPending(o, fault.Expected, target) == null, routeWatched ? master : null, cancellationToken).ConfigureAwait(false);
                if (failbackAt.HasValue)
                {
                    log.Event(TimelineEventKind.FailbackComplete, master, $"edge back as before {Seconds(failbackAt.Value - undoAt.Value)} after the undo");
                    await WatchAsync(log, activity, "Settling after the failback", 90, options.FailbackSettle, null, routeWatched ? master : null, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var last = log.Observations.LastOrDefault();
                    log.Event(TimelineEventKind.Error, master, $"no clean failback within {Seconds(options.FailbackTimeout)}"
                        + (last == null ? "" : ": " + FailbackPending(last, fault.Expected, target)));
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

            var result = Judge(new Measured
            {
                Scenario = scenario, Fault = fault, Target = target, Log = log, Gates = gates, Recordings = recordings,
                StartedAt = startedAt, EndedAt = endedAt, FaultAt = faultAt, FaultDateTime = faultDateTime, UndoAt = undoAt, MovedAt = movedAt,
                FailbackAt = failbackAt, StatesBefore = statesBefore, StatesAfter = statesAfter, BaselineGateway = routeWatched ? baselineGateway : null,
                FailoverRouteHolder = failoverRouteHolder, Failure = failure,
            });
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

        /// <summary>Null once the fault's expected failover is complete, else what is still missing.</summary>
        private static string? FailoverPending(Observation o, ExpectedFailover expected, FaultTarget target)
        {
            var missing = new List<string>();
            if (expected.HasFlag(ExpectedFailover.CarpMoves) && o.Carp.SoleOwner != target.Peer)
                missing.Add($"{target.Peer} is not yet the only MASTER of every VIP");
            if (expected.HasFlag(ExpectedFailover.RouteMoves) && (o.Gateway == null || o.Gateway == target.WanGateway))
                missing.Add($"the default route of {o.RouteFirewall} is still {o.Gateway ?? "unknown"}");
            return missing.Count == 0 ? null : string.Join("; ", missing);
        }

        /// <summary>Null once the edge is back as before the fault, else what is still missing.</summary>
        private string? FailbackPending(Observation o, ExpectedFailover expected, FaultTarget target)
        {
            var missing = new List<string>();
            var carp = o.Carp;
            foreach (var firewall in carp.Firewalls)
            {
                if (!firewall.Reachable) missing.Add($"{firewall.Firewall} cannot be read");
                else if (firewall.Maintenance) missing.Add($"{firewall.Firewall} is in maintenance mode");
                else if (firewall.Vips.Any(v => v.State == CarpState.Init)) missing.Add($"{firewall.Firewall} has VIPs in INIT");
                else if (carp.Vips.Any(v => firewall.Vips.All(f => f.Vip != v))) missing.Add($"{firewall.Firewall} has not rejoined every VIP");
            }

            if (!carp.OneMasterPerVip) missing.Add("not every VIP has exactly one MASTER");
            else if (options.FailbackToOriginal && carp.SoleOwner != target.Master) missing.Add($"the VIPs are not all back on {target.Master}");
            if (expected.HasFlag(ExpectedFailover.RouteMoves) && target.WanGateway != null && o.Gateway != target.WanGateway)
                missing.Add($"the default route of {target.Master} is {o.Gateway ?? "unknown"}, not yet {target.WanGateway} again");
            return missing.Count == 0 ? null : string.Join("; ", missing);
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
                    problems = FailoverGates.RestoreProblems(snapshot, before, route);
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

        private FailoverResult Judge(Measured m)
        {
            var reasons = new List<string>();
            var target = m.Target;
            var log = m.Log;
            var end = m.EndedAt;
            var undoAt = m.UndoAt ?? end;
            var faultAt = m.FaultAt ?? end;

            var reference = m.Recordings.FirstOrDefault(r => r.Probe.Kind == ProbeKind.Ping && r.Recording.Samples.Count > 0)
                ?? m.Recordings.FirstOrDefault(r => r.Probe.Kind == ProbeKind.TcpSession && r.Recording.Samples.Count > 0);
            var session = m.Recordings.FirstOrDefault(r => r.Probe.Kind == ProbeKind.TcpSession);
            var summaries = m.Recordings.Select(r => Summarize(r, faultAt, undoAt, end)).ToList();
            var referenceSummary = reference == null ? null : summaries[m.Recordings.IndexOf(reference)];

            bool? sessionSurvived = null;
            if (session != null)
            {
                var last = session.Recording.Samples.LastOrDefault();
                sessionSurvived = session.Recording.Error == null && session.Recording.BrokeAt == null
                    && last != null && (last.Outcome == ProbeOutcome.Reply || last.Outcome == ProbeOutcome.Late);
            }

            var carpMoved = log.FirstWhere(faultAt, undoAt, o => o.Carp.Vips.Any(v => o.Carp.MastersOf(v).Contains(target.Peer))).HasValue;
            var vipMovedAt = log.FirstWhere(faultAt, undoAt, o => o.Carp.SoleOwner == target.Peer);
            var routeWatched = m.Fault.Expected.HasFlag(ExpectedFailover.RouteMoves);
            var routeMovedAt = routeWatched
                ? log.FirstWhere(faultAt, undoAt, o => o.RouteFirewall == m.FailoverRouteHolder && o.Gateway != null && o.Gateway != m.BaselineGateway)
                : null;
            var gatewayAfter = routeWatched ? log.Observations.LastOrDefault(o => o.At < undoAt && o.RouteFirewall == m.FailoverRouteHolder)?.Gateway : null;
            var newMaster = log.Observations.LastOrDefault(o => o.At >= faultAt && o.At < undoAt)?.Carp.SoleOwner;

            if (m.Failure != null && !(m.Failure is OperationCanceledException)) reasons.Add("Stopped by an error (the edge was restored): " + m.Failure.Message);
            if (m.FaultAt.HasValue && !m.MovedAt.HasValue && m.Failure == null)
                reasons.Add($"Not seen within {Seconds(options.FailoverTimeout)}: {Goal(m.Fault.Expected, target)}.");
            if (!m.Fault.Expected.HasFlag(ExpectedFailover.CarpMoves) && carpMoved)
                reasons.Add($"CARP moved: {target.Peer} became MASTER, but this fault should only move the default route.");
            if (reference == null) reasons.Add("No probe measured the outage: configure a ping target or a TCP echo service.");
            else if (m.FaultAt.HasValue && referenceSummary!.Outage > options.MaxOutage)
                reasons.Add($"The outage ({Seconds(referenceSummary.Outage)}, {reference.Probe.Name}) exceeds the maximum of {Seconds(options.MaxOutage)}.");
            if (options.RequireSessionSurvival && sessionSurvived == false)
            {
                var rec = session!.Recording;
                reasons.Add(rec.Error != null
                    ? $"The TCP session could not be held: {rec.Error}."
                    : $"The TCP session to {session.Probe.Target} did not survive"
                      + (rec.BrokeAt.HasValue ? $": it broke at +{Seconds(rec.BrokeAt.Value - faultAt)} after the fault ({rec.BreakReason})" : "")
                      + ". States did not carry over (pfsync).");
            }

            var failbackClean = m.UndoAt.HasValue && m.FailbackAt.HasValue;
            if (m.UndoAt.HasValue && !m.FailbackAt.HasValue && m.Failure == null)
                reasons.Add($"The failback was not clean within {Seconds(options.FailbackTimeout)}: "
                    + (log.Observations.LastOrDefault() is Observation last2 ? FailbackPending(last2, m.Fault.Expected, target) : "the edge could not be read") + ".");
            if (referenceSummary != null && m.UndoAt.HasValue && referenceSummary.FailbackOutage > options.MaxFailbackOutage)
                reasons.Add($"The failback outage ({Seconds(referenceSummary.FailbackOutage)}) exceeds the maximum of {Seconds(options.MaxFailbackOutage)}.");

            var timeline = log.Events.ToList();
            foreach (var recording in m.Recordings.Where(r => r.Probe.Kind != ProbeKind.Download))
            {
                foreach (var run in OutageCalculator.LossRuns(recording.Recording.Samples, m.StartedAt, end))
                {
                    timeline.Add(new TimelineEvent
                    {
                        At = run.FirstLostAt, Kind = TimelineEventKind.ProbeLoss, Subject = recording.Probe.Name,
                        Message = $"{run.Lost} lost, {Seconds(run.Duration)}{(run.RecoveredAt.HasValue ? "" : " (not recovered)")}",
                    });
                }

                if (recording.Recording.BrokeAt.HasValue)
                {
                    timeline.Add(new TimelineEvent
                    {
                        At = recording.Recording.BrokeAt.Value, Kind = TimelineEventKind.SessionBroken, Subject = recording.Probe.Name,
                        Message = recording.Recording.BreakReason ?? "broken",
                    });
                }
            }

            return new FailoverResult
            {
                Scenario = m.Scenario,
                Passed = reasons.Count == 0 && m.Failure == null && m.FaultAt.HasValue,
                Reasons = reasons,
                Expected = m.Fault.Expected,
                Fault = string.Join("; ", m.Fault.DescribeFault(target)),
                OriginalMaster = target.Master,
                NewMaster = newMaster,
                FaultAt = m.FaultDateTime,
                VipMovedAfter = vipMovedAt - m.FaultAt,
                CarpMoved = carpMoved,
                RouteMovedAfter = routeMovedAt - m.FaultAt,
                GatewayBefore = m.BaselineGateway,
                GatewayAfter = gatewayAfter,
                Outage = m.FaultAt.HasValue ? referenceSummary?.Outage : null,
                ProbesSent = referenceSummary?.Sent ?? 0,
                ProbesLost = referenceSummary?.Lost ?? 0,
                ProbeLoss = referenceSummary == null || referenceSummary.Sent == 0 ? 0 : Math.Round(100.0 * referenceSummary.Lost / referenceSummary.Sent, 2),
                SessionSurvived = sessionSurvived,
                StatesBefore = m.StatesBefore,
                StatesAfter = m.StatesAfter,
                FailbackAfter = m.FailbackAt - m.UndoAt,
                FailbackOutage = m.UndoAt.HasValue ? referenceSummary?.FailbackOutage : null,
                FailbackClean = failbackClean,
                Error = m.Failure == null ? null : m.Failure is OperationCanceledException ? "cancelled" : m.Failure.Message,
                Gates = m.Gates,
                Timeline = timeline.OrderBy(e => e.At).ToList(),
                Probes = summaries,
                Samples = m.Recordings.SelectMany(r => r.Recording.Samples).ToList(),
                Ownership = log.Ownership(),
                VipOwnership = log.VipOwnership(),
                RunStartedAt = clock.StartedAt,
                StartedAt = m.StartedAt,
                FaultOffset = m.FaultAt,
                UndoOffset = m.UndoAt,
                EndedAt = end,
                Criteria = new FailoverCriteria
                {
                    MaxOutage = options.MaxOutage,
                    MaxFailbackOutage = options.MaxFailbackOutage,
                    RequireSessionSurvival = options.RequireSessionSurvival,
                    FailbackToOriginal = options.FailbackToOriginal,
                    FailoverTimeout = options.FailoverTimeout,
                    FailbackTimeout = options.FailbackTimeout,
                    Settle = options.Settle,
                    FailbackSettle = options.FailbackSettle,
                    Force = options.Force,
                },
                Run = run,
            };
        }

        private static ProbeSummary Summarize(ProbeSet.Recorded recorded, TimeSpan faultAt, TimeSpan undoAt, TimeSpan end)
        {
            var samples = recorded.Recording.Samples;
            var window = samples.Where(s => s.SentAt >= faultAt && s.SentAt < undoAt).ToList();
            return new ProbeSummary
            {
                Probe = recorded.Probe.Name,
                Kind = recorded.Probe.Kind,
                Target = recorded.Probe.Target,
                Interval = recorded.Probe.Interval,
                Sent = window.Count,
                Lost = window.Count(s => !s.Ok),
                Outage = OutageCalculator.Outage(samples, faultAt, undoAt),
                FailbackOutage = OutageCalculator.Outage(samples, undoAt, end),
                BrokeAt = recorded.Recording.BrokeAt,
                BreakReason = recorded.Recording.BreakReason,
                Error = recorded.Recording.Error,
            };
        }

        private static string Goal(ExpectedFailover expected, FaultTarget target)
        {
            var parts = new List<string>();
            if (expected.HasFlag(ExpectedFailover.CarpMoves)) parts.Add($"every VIP to move to {target.Peer}");
            if (expected.HasFlag(ExpectedFailover.RouteMoves))
                parts.Add(expected.HasFlag(ExpectedFailover.CarpMoves)
                    ? $"its default route to avoid {target.WanGateway ?? "the pulled WAN"}"
                    : $"the default route of {target.Master} to leave {target.WanGateway ?? "the pulled WAN"} while CARP stays on {target.Master}");
            return string.Join(" and ", parts);
        }

        private static string Describe(ExpectedFailover expected) => expected switch
        {
            ExpectedFailover.CarpMoves => "a CARP failover (the VIPs move to the peer)",
            ExpectedFailover.RouteMoves => "a gateway failover (the default route moves, CARP stays)",
            _ => "a CARP failover with the new MASTER avoiding the pulled WAN",
        };

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s";

        /// <summary>Everything one scenario measured, handed to <see cref="Judge"/>.</summary>
        private sealed class Measured
        {
            public FailoverScenario Scenario { get; set; }

            public IFaultInjector Fault { get; set; } = null!;

            public FaultTarget Target { get; set; } = null!;

            public ScenarioLog Log { get; set; } = null!;

            public IReadOnlyList<GateResult> Gates { get; set; } = Array.Empty<GateResult>();

            public List<ProbeSet.Recorded> Recordings { get; set; } = new List<ProbeSet.Recorded>();

            public TimeSpan StartedAt { get; set; }

            public TimeSpan EndedAt { get; set; }

            public TimeSpan? FaultAt { get; set; }

            public DateTimeOffset? FaultDateTime { get; set; }

            public TimeSpan? UndoAt { get; set; }

            public TimeSpan? MovedAt { get; set; }

            public TimeSpan? FailbackAt { get; set; }

            public long? StatesBefore { get; set; }

            public long? StatesAfter { get; set; }

            public string? BaselineGateway { get; set; }

            public string FailoverRouteHolder { get; set; } = "";

            public Exception? Failure { get; set; }
        }
    }
}
