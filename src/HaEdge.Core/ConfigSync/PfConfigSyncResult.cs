using System;
using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>What Sync-PfConfig checked before triggering: the pair's status and the drift it found.</summary>
public sealed class PfConfigSyncPlan
{
    public PfConfigSyncPlan(PfHaSyncStatus status, IReadOnlyList<ConfigDifference> differences)
    {
        Status = status ?? throw new ArgumentNullException(nameof(status));
        Differences = differences ?? throw new ArgumentNullException(nameof(differences));
    }

    public PfHaSyncStatus Status { get; }

    /// <summary>The ticked sections' differences before the sync.</summary>
    public IReadOnlyList<ConfigDifference> Differences { get; }

    /// <summary>The result of not triggering: nothing ran and the drift is as found.</summary>
    public PfConfigSyncResult NotTriggered() => new PfConfigSyncResult(this, triggered: false, TimeSpan.Zero, Differences);
}

/// <summary>Sync-PfConfig: whether pfSense's sync ran, how long it took, and the drift before and after.</summary>
public sealed class PfConfigSyncResult
{
    public PfConfigSyncResult(PfConfigSyncPlan plan, bool triggered, TimeSpan duration, IReadOnlyList<ConfigDifference> remaining)
    {
        if (plan == null) throw new ArgumentNullException(nameof(plan));
        Primary = plan.Status.Primary;
        Secondary = plan.Status.Secondary;
        Sections = ValueList<string>.Of(plan.Status.Sections);
        Triggered = triggered;
        Duration = duration;
        Before = plan.Differences;
        Remaining = remaining ?? throw new ArgumentNullException(nameof(remaining));
        var left = new HashSet<string>(remaining.Select(d => d.ToString()), StringComparer.Ordinal);
        Resolved = Before.Where(d => !left.Contains(d.ToString())).ToList();
    }

    public string Primary { get; }

    public string Secondary { get; }

    /// <summary>The sections compared before and after (the primary's ticked ones).</summary>
    public IReadOnlyList<string> Sections { get; }

    /// <summary>True when <c>/etc/rc.filter_synchronize</c> was run on the primary.</summary>
    public bool Triggered { get; }

    /// <summary>What pfSense recorded about the sync it ran (system log, filter_reload_status); null when none ran.</summary>
    public PfSyncOutcome? Outcome { get; init; }

    /// <summary>From the trigger until the secondary matched (or the wait ended).</summary>
    public TimeSpan Duration { get; }

    public int DifferencesBefore => Before.Count;

    public int DifferencesAfter => Remaining.Count;

    /// <summary>True when the secondary matches the primary in every synced section.</summary>
    public bool DriftGone => Remaining.Count == 0;

    /// <summary>The differences found before the sync.</summary>
    public IReadOnlyList<ConfigDifference> Before { get; }

    /// <summary>The differences the sync removed: what changed on the secondary.</summary>
    public IReadOnlyList<ConfigDifference> Resolved { get; }

    /// <summary>The differences still there afterwards.</summary>
    public IReadOnlyList<ConfigDifference> Remaining { get; }

    public override string ToString() =>
        $"{Primary} -> {Secondary}: {(Triggered ? "synced" : "not triggered")}, {DifferencesBefore} -> {DifferencesAfter} differences";
}
