using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover.Probes;

/// <summary>The probes of one scenario, started together and stopped together.</summary>
internal sealed class ProbeSet
{
    private readonly IReadOnlyList<IProbe> probes;
    private readonly IFailoverClock clock;
    private readonly CancellationTokenSource stop = new CancellationTokenSource();
    private readonly List<Task> running = new List<Task>();

    public ProbeSet(IReadOnlyList<IProbe> probes, IFailoverClock clock)
    {
        this.probes = probes;
        this.clock = clock;
    }

    public void Start()
    {
        // Task.Run: a probe's synchronous start (DNS, socket setup) must not hold up the scenario.
        foreach (var probe in probes) running.Add(Task.Run(() => probe.RunAsync(clock, stop.Token)));
    }

    /// <summary>Before any fault, every probe must have been answered at least once, or the test would measure nothing.</summary>
    public void RequireBaseline()
    {
        foreach (var probe in probes.Where(p => p.Kind != ProbeKind.Download))
        {
            var recording = probe.Snapshot();
            if (recording.Samples.Any(s => s.Ok)) continue;
            throw new HaEdgeException("FailoverProbeFailed", FailureKind.ResourceUnavailable,
                $"Before any fault, the {probe.Name} probe to {probe.Target} got no answer{(recording.Error != null ? " (" + recording.Error + ")" : "")}: "
                + "fix the probe target so the test can measure the outage.", probe.Target);
        }
    }

    /// <summary>Stops every probe and returns what each recorded; a probe that does not stop within <paramref name="bound"/> is left behind.</summary>
    public async Task<List<Recorded>> StopAsync(TimeSpan bound)
    {
        stop.Cancel();
        var all = Task.WhenAll(running);
        await Task.WhenAny(all, Task.Delay(bound)).ConfigureAwait(false);
        if (all.IsFaulted) _ = all.Exception;
        // A probe still running keeps using the token, so the source is disposed only once all stopped.
        if (all.IsCompleted) stop.Dispose();
        return probes.Select(p => new Recorded(p, p.Snapshot())).ToList();
    }

    internal sealed class Recorded
    {
        public Recorded(IProbe probe, ProbeRecording recording)
        {
            Probe = probe;
            Recording = recording;
        }

        public IProbe Probe { get; }

        public ProbeRecording Recording { get; }
    }
}
