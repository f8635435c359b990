using System;
using System.Globalization;

namespace HaEdge.Core.Failover;

/// <summary>One thing that happened during a scenario, stamped on the run's monotonic clock.</summary>
public sealed record TimelineEvent
{
    /// <summary>Time since the run started (monotonic, from a Stopwatch).</summary>
    public TimeSpan At { get; init; }

    public TimelineEventKind Kind { get; init; }

    /// <summary>The firewall (or probe) the event is about, if any.</summary>
    public string? Subject { get; init; }

    public string Message { get; init; } = "";

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "+{0:0.000}s {1}{2}: {3}", At.TotalSeconds, Kind, Subject == null ? "" : " " + Subject, Message);
}

/// <summary>One probe: when it was sent, what became of it and how long the answer took.</summary>
public sealed record ProbeSample
{
    public string Probe { get; init; } = "";

    public ProbeKind Kind { get; init; }

    /// <summary>Send time since the run started.</summary>
    public TimeSpan SentAt { get; init; }

    public ProbeOutcome Outcome { get; init; }

    /// <summary>Round trip (ping, TCP echo); null when lost.</summary>
    public TimeSpan? Rtt { get; init; }

    /// <summary>Download only: throughput over the interval ending at <see cref="SentAt"/>.</summary>
    public double? BytesPerSecond { get; init; }

    public bool Ok => Outcome == ProbeOutcome.Reply;
}

/// <summary>Who owned the VIPs at one poll (a firewall name, or <c>split</c>, <c>none</c>) and, when watched, the forwarding node's default gateway.</summary>
public sealed record OwnershipSample
{
    public const string Split = "split";
    public const string None = "none";

    public TimeSpan At { get; init; }

    public string Owner { get; init; } = None;

    /// <summary>The default gateway read at this poll; null when the route was not watched.</summary>
    public string? Gateway { get; init; }
}

/// <summary>
/// Who was MASTER of one VIP at one poll: one row per poll and VIP, flat, so Export-Clixml's default depth keeps it
/// and a script can group it by VIP.
/// </summary>
public sealed record VipOwnershipSample
{
    /// <summary>The poll: its index in the result's Ownership.</summary>
    public int Poll { get; init; }

    /// <summary>The poll's time since the run started (its <see cref="OwnershipSample.At"/>).</summary>
    public TimeSpan At { get; init; }

    public string Vip { get; init; } = "";

    /// <summary>A firewall, <c>split</c> (two MASTERs) or <c>none</c>.</summary>
    public string Owner { get; init; } = OwnershipSample.None;
}

/// <summary>One run of consecutive lost probes.</summary>
internal sealed record LossRun
{
    public string Probe { get; init; } = "";

    /// <summary>Send time of the first lost probe.</summary>
    public TimeSpan FirstLostAt { get; init; }

    /// <summary>Send time of the first answered probe after the run; null when none came before the window ended.</summary>
    public TimeSpan? RecoveredAt { get; init; }

    public int Lost { get; init; }

    /// <summary>RecoveredAt − FirstLostAt (or the window end − FirstLostAt when not recovered).</summary>
    public TimeSpan Duration { get; init; }
}
