using System;

namespace HaEdge.Core.Failover;

/// <summary>Timings and pass criteria of Test-HaFailover. The defaults suit a pfSense pair at advbase 1.</summary>
internal sealed class FailoverOptions
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
