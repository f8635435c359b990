using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover.Probes;

/// <summary>
/// A probe running from where the module runs. <see cref="RunAsync"/> returns when stopped, when its bounds (time,
/// count) are reached, or when it cannot go on; it records failures as samples instead of throwing.
/// </summary>
internal interface IProbe
{
    string Name { get; }

    ProbeKind Kind { get; }

    /// <summary>The address it probes, as the user gave it.</summary>
    string Target { get; }

    TimeSpan Interval { get; }

    Task RunAsync(IFailoverClock clock, CancellationToken stop);

    /// <summary>What it recorded so far (thread-safe copy, ordered by send time).</summary>
    ProbeRecording Snapshot();
}

/// <summary>A probe's samples and, for a session, whether and when it broke.</summary>
internal sealed class ProbeRecording
{
    public ProbeRecording(IReadOnlyList<ProbeSample> samples, TimeSpan? brokeAt = null, string? breakReason = null, string? error = null)
    {
        Samples = samples;
        BrokeAt = brokeAt;
        BreakReason = breakReason;
        Error = error;
    }

    public IReadOnlyList<ProbeSample> Samples { get; }

    /// <summary>TCP: when the connection was found broken.</summary>
    public TimeSpan? BrokeAt { get; }

    public string? BreakReason { get; }

    /// <summary>Why the probe could not run at all (for example, the session could not be opened).</summary>
    public string? Error { get; }
}

/// <summary>Probe settings; the defaults suit a LAN workstation probing through the edge.</summary>
internal sealed class ProbeOptions
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(20);

    private TimeSpan interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Time between probes: 200 ms by default, 20 ms at the least.</summary>
    public TimeSpan Interval
    {
        get => interval;
        set => interval = value >= MinimumInterval ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"The probe interval must be at least {MinimumInterval.TotalMilliseconds} ms.");
    }

    /// <summary>A probe not answered within this is lost.</summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>TCP: with no echo at all for this long the session counts as broken (an application would give up too).</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A probe stops by itself after this long...</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>...or after this many probes.</summary>
    public int MaxSamples { get; set; } = 200_000;
}

/// <summary>Thread-safe sample store shared by a probe's send and receive paths.</summary>
internal sealed class SampleLog
{
    private readonly List<ProbeSample> samples = new List<ProbeSample>();
    private readonly object gate = new object();

    public int Count
    {
        get
        {
            lock (gate) return samples.Count;
        }
    }

    public void Add(ProbeSample sample)
    {
        lock (gate) samples.Add(sample);
    }

    public List<ProbeSample> Ordered()
    {
        lock (gate)
        {
            var copy = new List<ProbeSample>(samples);
            copy.Sort((a, b) => a.SentAt.CompareTo(b.SentAt));
            return copy;
        }
    }
}
