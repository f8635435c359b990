using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover;

/// <summary>
/// The run's time: a monotonic offset since the run started plus a way to wait. Injected so tests run scenarios in
/// virtual time instead of sleeping.
/// </summary>
internal interface IFailoverClock
{
    /// <summary>Monotonic time since the run started.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Wall-clock moment the run started (UTC), to place <see cref="Elapsed"/> offsets in real time.</summary>
    DateTimeOffset StartedAt { get; }

    Task Delay(TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>The real clock: a Stopwatch (immune to wall-clock steps) and Task.Delay.</summary>
internal sealed class SystemFailoverClock : IFailoverClock
{
    private readonly Stopwatch watch = Stopwatch.StartNew();

    public TimeSpan Elapsed => watch.Elapsed;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
}
