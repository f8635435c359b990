using System;
using System.Collections.Generic;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;

namespace HaEdge.Core.Failover;

/// <summary>What the runner works on: the observer, the faults per scenario, the probes and the pair's names.</summary>
internal sealed class FailoverEnvironment
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
