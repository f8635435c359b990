using HaEdge.Core.Failover;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Failover;

/// <summary>
/// Time that moves only when the test moves it. Unlike <see cref="VirtualClock"/>, Delay really waits (until the
/// test moves the clock past it, or it is cancelled), so code that also does real I/O (the probes' sockets) can be
/// driven one interval at a time: what it records depends on the steps the test takes, not on how loaded the machine is.
/// </summary>
internal sealed class ManualClock : IFailoverClock
{
    private readonly object gate = new();
    private readonly List<Sleeper> sleepers = new();
    private TimeSpan now;

    public TimeSpan Elapsed
    {
        get
        {
            lock (gate) return now;
        }
    }

    public DateTimeOffset StartedAt { get; } = new DateTimeOffset(2026, 11, 26, 4, 0, 0, TimeSpan.Zero);

    /// <summary>When each pending Delay ends, earliest first.</summary>
    public IReadOnlyList<TimeSpan> Sleeping
    {
        get
        {
            lock (gate) return sleepers.Select(s => s.Due).OrderBy(d => d).ToList();
        }
    }

    /// <summary>As <see cref="SystemFailoverClock"/>: no wait for a delay of zero or less, a cancelled task on cancellation.</summary>
    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero) return Task.CompletedTask;
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        var sleeper = new Sleeper();
        lock (gate)
        {
            sleeper.Due = now + delay;
            sleepers.Add(sleeper);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (gate) sleepers.Remove(sleeper);
                sleeper.Done.TrySetCanceled(cancellationToken);
            });
            sleeper.Done.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }

        return sleeper.Done.Task;
    }

    /// <summary>Moves the clock to <paramref name="to"/> and ends every Delay due by then.</summary>
    public void MoveTo(TimeSpan to)
    {
        List<Sleeper> due;
        lock (gate)
        {
            if (to < now) throw new InvalidOperationException($"The clock is at {now}; it cannot go back to {to}.");
            now = to;
            due = sleepers.Where(s => s.Due <= now).ToList();
            sleepers.RemoveAll(s => s.Due <= now);
        }

        foreach (var sleeper in due) sleeper.Done.TrySetResult();
    }

    /// <summary>Waits (in real time, bounded) until something sleeps until exactly <paramref name="due"/>.</summary>
    public Task SleeperAt(TimeSpan due) =>
        Eventually.Until(() => Sleeping.Contains(due), () => $"a Delay until {due.TotalMilliseconds} ms (sleeping: {string.Join(", ", Sleeping.Select(d => d.TotalMilliseconds + " ms"))})");

    /// <summary>Waits until something sleeps until <paramref name="due"/>, then moves the clock there.</summary>
    public async Task MoveToSleeperAt(TimeSpan due)
    {
        await SleeperAt(due);
        MoveTo(due);
    }

    private sealed class Sleeper
    {
        public TimeSpan Due;

        // Whoever moves the clock must not run the sleeper's continuation on its own thread.
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
