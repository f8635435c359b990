using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Carp;

namespace HaEdge.Core.Watch;

/// <summary>One gateway of one firewall as the watch reads it.</summary>
internal sealed record WatchedGateway
{
    public string Name { get; init; } = "";

    /// <summary>pfSense's own word: online, down, force_down, ...</summary>
    public string Status { get; init; } = "";

    public bool Up { get; init; }

    public double? LossPercent { get; init; }

    public double? DelayMs { get; init; }

    /// <summary>Tier 1 of a gateway group it belongs to, or in no group: not a backup WAN.</summary>
    public bool Preferred { get; init; }
}

/// <summary>One VIP on one firewall.</summary>
internal sealed record WatchedVip(int Vhid, string? Interface, CarpState State);

/// <summary>Whether a firewall answered the reading.</summary>
internal enum AnswerState
{
    /// <summary>Its answer is still on its way (a read takes longer than the interval): nothing is known, nothing changed.</summary>
    Pending,

    Answered,

    /// <summary>It did not answer: unreachable, timed out, refused, unreadable.</summary>
    Failed,
}

/// <summary>One firewall at one reading. A firewall that did not answer has nothing but its name, state and error.</summary>
internal sealed record WatchedFirewall
{
    public string Name { get; init; } = "";

    public AnswerState State { get; init; }

    public bool Answered => State == AnswerState.Answered;

    /// <summary>Why it did not answer, when it failed.</summary>
    public string? Error { get; init; }

    /// <summary>It answered at least once in this watch: while it does not answer, its parts are its last answer's.</summary>
    public bool Seen { get; init; }

    /// <summary>Each VIP's CARP state, by <see cref="CarpPairAnalyzer.NameOf(int, string?)"/>.</summary>
    public IReadOnlyDictionary<string, WatchedVip> Vips { get; init; } = new Dictionary<string, WatchedVip>();

    public bool Maintenance { get; init; }

    public int Demotion { get; init; }

    /// <summary>Null when the gateway part of the answer could not be read.</summary>
    public IReadOnlyList<WatchedGateway>? Gateways { get; init; }

    /// <summary>The gateway the default route uses; null when none or unknown.</summary>
    public string? DefaultRoute { get; init; }

    /// <summary>pfsync has a sync interface and its bulk update completed; null when unread.</summary>
    public bool? PfsyncOk { get; init; }

    public long? States { get; init; }
}

/// <summary>A firewall VM as Proxmox lists it.</summary>
internal sealed record WatchedVm
{
    public string Firewall { get; init; } = "";

    /// <summary>Empty when the cluster does not have it.</summary>
    public string Node { get; init; } = "";

    /// <summary>running, stopped, ... or missing.</summary>
    public string Status { get; init; } = "";
}

/// <summary>The whole edge at one reading: both firewalls in one exec each, and the Proxmox cluster.</summary>
internal sealed record EdgeReading
{
    public string Edge { get; init; } = "";

    /// <summary>The definition's primary firewall: the VIPs' rightful owner.</summary>
    public string Primary { get; init; } = "";

    /// <summary>When the reading ended.</summary>
    public DateTimeOffset Time { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>Primary first.</summary>
    public IReadOnlyList<WatchedFirewall> Firewalls { get; init; } = Array.Empty<WatchedFirewall>();

    /// <summary>Each VIP's pair verdict; only when both firewalls answered.</summary>
    public IReadOnlyDictionary<string, CarpPairVerdict> Verdicts { get; init; } = new Dictionary<string, CarpPairVerdict>();

    /// <summary>The pair's pfsync verdict; null unless both firewalls answered.</summary>
    public bool? PfsyncInSync { get; init; }

    public IReadOnlyList<string> PfsyncReasons { get; init; } = Array.Empty<string>();

    /// <summary>Null when Proxmox did not answer (then <see cref="ProxmoxError"/> says why).</summary>
    public bool? Quorate { get; init; }

    /// <summary>Each Proxmox node and whether it is online.</summary>
    public IReadOnlyDictionary<string, bool> Nodes { get; init; } = new Dictionary<string, bool>();

    public IReadOnlyList<WatchedVm> Vms { get; init; } = Array.Empty<WatchedVm>();

    public AnswerState ProxmoxState { get; init; }

    /// <summary>Why Proxmox did not answer, when it failed.</summary>
    public string? ProxmoxError { get; init; }

    /// <summary>Differences between the two configs in the synced sections; null when not read (or not configured).</summary>
    public int? DriftItems { get; init; }

    public bool ProxmoxAnswered => ProxmoxState == AnswerState.Answered;

    /// <summary>
    /// Each VIP's owner as the watch knows it (set by <see cref="EdgeChanges"/>): while a firewall does not answer
    /// and no firewall that does is MASTER, the owner last seen.
    /// </summary>
    public IReadOnlyDictionary<string, string> Owners { get; init; } = new Dictionary<string, string>();

    /// <summary>Every VIP any firewall that answered has, sorted.</summary>
    public IReadOnlyList<string> VipNames => Firewalls.SelectMany(f => f.Vips.Keys).Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();

    /// <summary>The firewalls that answered and are MASTER of <paramref name="vip"/>.</summary>
    public IReadOnlyList<string> MastersOf(string vip) =>
        Firewalls.Where(f => f.Answered && f.Vips.TryGetValue(vip, out var v) && v.State == CarpState.Master).Select(f => f.Name).ToList();

    /// <summary>
    /// The VIP's owner: its one MASTER, <c>split</c> or <c>none</c>; null when no firewall that answered is MASTER
    /// while one did not answer (it may still be MASTER: unknown, not "none").
    /// </summary>
    public string? OwnerOf(string vip)
    {
        var masters = MastersOf(vip);
        if (masters.Count == 1) return masters[0];
        if (masters.Count > 1) return Split;
        return Firewalls.All(f => f.Answered) ? None : null;
    }

    /// <summary>Both VMs' nodes known and different; null when Proxmox did not answer or a VM is missing.</summary>
    public bool? AntiAffinityHeld
    {
        get
        {
            if (!ProxmoxAnswered || Vms.Count < 2 || Vms.Any(v => v.Node.Length == 0)) return null;
            return Vms.Select(v => v.Node).Distinct(StringComparer.OrdinalIgnoreCase).Count() == Vms.Count;
        }
    }

    public WatchedFirewall? Firewall(string name) => Firewalls.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public const string Split = "split";
    public const string None = "none";
}
