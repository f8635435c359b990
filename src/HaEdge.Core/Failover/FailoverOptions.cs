using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Model.Failover;

namespace HaEdge.Core.Failover
{
    /// <summary>Timings and pass criteria of Test-HaFailover. The defaults suit a pfSense pair at advbase 1.</summary>
    public sealed class FailoverOptions
    {
        /// <summary>Probes run this long before the fault, to show the edge was fine.</summary>
        public TimeSpan Baseline { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>Held after the failover and after the failback, to see flapping and let sessions show they live.</summary>
        public TimeSpan Settle { get; set; } = TimeSpan.FromSeconds(10);

        public TimeSpan FailbackSettle { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>How long the VIPs (or the route) may take to move.</summary>
        public TimeSpan FailoverTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How long the failback may take (a hard-stopped VM boots first).</summary>
        public TimeSpan FailbackTimeout { get; set; } = TimeSpan.FromSeconds(180);

        /// <summary>The restore path's own bound: it never uses the (possibly cancelled) caller's token.</summary>
        public TimeSpan RestoreTimeout { get; set; } = TimeSpan.FromSeconds(240);

        /// <summary>How often CARP (and the default route when it matters) is read during a scenario.</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>Pass criterion: the longest loss run during the failover.</summary>
        public TimeSpan MaxOutage { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Pass criterion: the longest loss run during the failback.</summary>
        public TimeSpan MaxFailbackOutage { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Pass criterion: the TCP session (when probed) must survive on the same connection.</summary>
        public bool RequireSessionSurvival { get; set; } = true;

        /// <summary>A clean failback puts every VIP back on the original MASTER (pfSense forces preempt on).</summary>
        public bool FailbackToOriginal { get; set; } = true;

        /// <summary>Run despite failed gates, and Combined without both single scenarios passing first.</summary>
        public bool Force { get; set; }
    }

    /// <summary>What the runner works on: the observer, the faults per scenario, the probes and the pair's names.</summary>
    public sealed class FailoverEnvironment
    {
        private readonly IReadOnlyDictionary<FailoverScenario, IFaultInjector> faults;

        /// <param name="probes">Makes fresh probes for each scenario (targets only from the user or the definition).</param>
        public FailoverEnvironment(IEdgeObserver observer, IReadOnlyDictionary<FailoverScenario, IFaultInjector> faults,
            Func<IReadOnlyList<IProbe>> probes, string primary, string secondary)
        {
            Observer = observer;
            this.faults = faults;
            Probes = probes;
            Primary = primary;
            Secondary = secondary;
        }

        public IEdgeObserver Observer { get; }

        public Func<IReadOnlyList<IProbe>> Probes { get; }

        public string Primary { get; }

        public string Secondary { get; }

        public IEnumerable<FailoverScenario> Available =>
            Enum.GetValues(typeof(FailoverScenario)).Cast<FailoverScenario>().Where(s => TryFault(s) != null);

        /// <summary>The fault of a scenario; Combined is built from WanPull and HardStop unless given.</summary>
        public IFaultInjector FaultOf(FailoverScenario scenario) => TryFault(scenario)
            ?? throw new HaEdgeException("FailoverScenarioUnavailable", FailureKind.InvalidArgument,
                $"The scenario {scenario} has no fault injector configured" + (scenario == FailoverScenario.Combined ? " (it needs WanPull and HardStop)." : "."),
                scenario.ToString());

        private IFaultInjector? TryFault(FailoverScenario scenario)
        {
            if (faults.TryGetValue(scenario, out var fault)) return fault;
            if (scenario == FailoverScenario.Combined && faults.TryGetValue(FailoverScenario.WanPull, out var wan) && faults.TryGetValue(FailoverScenario.HardStop, out var stop))
                return new CombinedFault(wan, stop);
            return null;
        }
    }

    /// <summary>The preflight gates refused the test; nothing was touched.</summary>
    public sealed class FailoverRefusedException : HaEdgeException
    {
        public FailoverRefusedException(FailoverScenario scenario, IReadOnlyList<GateResult> gates)
            : base("FailoverPreflightFailed", FailureKind.InvalidOperation,
                $"Test-HaFailover {scenario} was refused before any fault: {string.Join(" ", gates.Where(g => !g.Passed).Select(g => g.Gate + ": " + g.Reason))} "
                + "Fix the edge first, or use -Force to test it anyway.", scenario.ToString())
        {
            Gates = gates;
        }

        public IReadOnlyList<GateResult> Gates { get; }
    }

    /// <summary>
    /// A fault could not be fully undone: the message and <see cref="Remaining"/> say exactly what is left to fix.
    /// <see cref="Result"/> holds what was measured before, <see cref="Exception.InnerException"/> what stopped the scenario.
    /// </summary>
    public sealed class FailoverRestoreIncompleteException : HaEdgeException
    {
        public FailoverRestoreIncompleteException(FailoverScenario scenario, IReadOnlyList<string> remaining, FailoverResult? result, Exception? cause)
            : base("FailoverRestoreIncomplete", FailureKind.InvalidOperation,
                $"Test-HaFailover {scenario}{(cause == null ? "" : " stopped (" + (cause is OperationCanceledException ? "cancelled" : cause.Message) + ") and")} "
                + $"could not restore the edge. Left to fix: {string.Join(" ", remaining.Select((r, i) => $"{i + 1}) {r}"))}",
                scenario.ToString(), cause)
        {
            Remaining = remaining;
            Result = result;
        }

        public IReadOnlyList<string> Remaining { get; }

        public FailoverResult? Result { get; }
    }
}
