using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Definition;

namespace HaEdge.Core.Carp;

/// <summary>What one VIP looks like across the pair.</summary>
public enum CarpPairVerdict
{
    /// <summary>One MASTER and one BACKUP.</summary>
    Healthy,

    /// <summary>Both nodes are MASTER: both answer for the virtual address.</summary>
    SplitBrain,

    /// <summary>Both nodes answered and neither is MASTER: nobody answers for the address.</summary>
    NoMaster,

    /// <summary>A node is INIT, unreachable, has CARP disabled or lacks the VIP, so the pair cannot fail over.</summary>
    Degraded,
}

/// <summary>Conditions worth a look even when the verdict is Healthy.</summary>
[Flags]
public enum CarpFlags
{
    None = 0,

    /// <summary><c>net.inet.carp.demotion</c> is not 0 on a node.</summary>
    Demoted = 1,

    /// <summary><c>net.inet.carp.allow=0</c> on a node.</summary>
    CarpDisabled = 2,

    /// <summary>A node is in maintenance mode (advskew 254).</summary>
    MaintenanceOn = 4,

    /// <summary>The primary's advskew is 140 or more: the secondary's synced skew reaches 240, so maintenance mode cannot hand over.</summary>
    PrimarySkewTooHigh = 8,

    /// <summary>Some VIPs are MASTER on one node and others on the other node.</summary>
    SplitAcrossNodes = 16,
}

/// <summary>
/// One CARP VIP on one firewall, with the verdict, flags and reasons of that VIP across the pair (the same on both
/// firewalls' rows for that VIP).
/// </summary>
public sealed record CarpVipStatus
{
    /// <summary>The edge (its definition's name) the row was read from.</summary>
    public string Edge { get; init; } = "";

    public string Firewall { get; init; } = "";

    public FirewallRole Role { get; init; }

    /// <summary>The parent interface; null when the output came without interface headers.</summary>
    public string? Interface { get; init; }

    public int Vhid { get; init; }

    private readonly IReadOnlyList<string> addresses = ValueList<string>.Empty;

    /// <summary>The addresses tagged with this vhid, as <c>address/prefix</c>.</summary>
    public IReadOnlyList<string> Addresses { get => addresses; init => addresses = ValueList<string>.Of(value); }

    public CarpState State { get; init; }

    public int AdvBase { get; init; }

    /// <summary>The advskew ifconfig prints (254 in maintenance mode).</summary>
    public int AdvSkew { get; init; }

    /// <summary>This node's <c>net.inet.carp.demotion</c>.</summary>
    public int Demotion { get; init; }

    /// <summary>What the node advertises: advskew + demotion, clamped to 0..240 as the kernel does.</summary>
    public int EffectiveSkew { get; init; }

    /// <summary>advskew 254: pfSense's persistent maintenance mode.</summary>
    public bool Maintenance { get; init; }

    /// <summary>The other firewall of the pair.</summary>
    public string Peer { get; init; } = "";

    /// <summary>The peer's state of the same VIP; null when the peer is unreachable or lacks the VIP.</summary>
    public CarpState? PeerState { get; init; }

    public CarpPairVerdict Verdict { get; init; }

    public CarpFlags Flags { get; init; }

    private readonly IReadOnlyList<string> reasons = ValueList<string>.Empty;

    /// <summary>One sentence per verdict cause and flag, naming the firewall.</summary>
    public IReadOnlyList<string> Reasons { get => reasons; init => reasons = ValueList<string>.Of(value); }

    /// <summary>Who is master of how many of these rows' VIPs, by firewall name: "fw1: 1 VIP, fw2: 5 VIPs".</summary>
    internal static string CountMasters(IEnumerable<CarpVipStatus> rows) =>
        string.Join(", ", rows.Where(r => r.State == CarpState.Master)
            .GroupBy(r => r.Firewall, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => $"{g.Key}: {g.Count()} VIP{(g.Count() == 1 ? "" : "s")}"));
}

/// <summary>Set-CarpMaintenance's outcome for one firewall.</summary>
public sealed record CarpMaintenanceResult
{
    public string Firewall { get; init; } = "";

    public string Peer { get; init; } = "";

    /// <summary>The maintenance mode the firewall was put in.</summary>
    public bool Maintenance { get; init; }

    /// <summary>True when the handover was watched to its end; false with -NoWait.</summary>
    public bool Verified { get; init; }

    /// <summary>From the pfSsh.php command to the verified handover (or to the command's end with -NoWait).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The pair's status after the change.</summary>
    public IReadOnlyList<CarpVipStatus> Status { get; init; } = Array.Empty<CarpVipStatus>();

    /// <summary>Who is master of how many VIPs after the change, e.g. "fw2: 6 VIPs".</summary>
    public string Masters => CarpVipStatus.CountMasters(Status);
}
