using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.Gateways;

namespace HaEdge.Core.Failover;

/// <summary>One VIP on one firewall.</summary>
internal sealed record VipView
{
    /// <summary>A name the same VIP has on both firewalls, e.g. <c>vhid 1 on vtnet1</c>.</summary>
    public string Vip { get; init; } = "";

    public CarpState State { get; init; }

    /// <summary>advskew 254: pfSense's persistent maintenance mode.</summary>
    public bool Maintenance { get; init; }
}

/// <summary>One firewall's CARP picture at one poll.</summary>
internal sealed record FirewallCarpView
{
    public string Firewall { get; init; } = "";

    public bool Reachable { get; init; }

    /// <summary>Why it could not be read, when not reachable.</summary>
    public string? Error { get; init; }

    public IReadOnlyList<VipView> Vips { get; init; } = Array.Empty<VipView>();

    public bool Maintenance => Vips.Any(v => v.Maintenance);
}

/// <summary>Both firewalls' CARP states at one poll, and the questions the failover test asks of them.</summary>
internal sealed record CarpSnapshot
{
    public IReadOnlyList<FirewallCarpView> Firewalls { get; init; } = Array.Empty<FirewallCarpView>();

    /// <summary>Every VIP either firewall has.</summary>
    public IReadOnlyList<string> Vips => Firewalls.SelectMany(f => f.Vips).Select(v => v.Vip).Distinct().ToList();

    /// <summary>The firewalls that are MASTER of <paramref name="vip"/>.</summary>
    public IReadOnlyList<string> MastersOf(string vip) =>
        Firewalls.Where(f => f.Vips.Any(v => v.Vip == vip && v.State == CarpState.Master)).Select(f => f.Firewall).ToList();

    /// <summary>The firewall that is the only MASTER of every VIP, or null (split, none, no VIP at all).</summary>
    public string? SoleOwner
    {
        get
        {
            var vips = Vips;
            if (vips.Count == 0) return null;
            var owners = vips.Select(MastersOf).ToList();
            if (owners.Any(o => o.Count != 1)) return null;
            var first = owners[0][0];
            return owners.All(o => o[0] == first) ? first : null;
        }
    }

    /// <summary>The owner for the timeline band: a firewall, <c>split</c> or <c>none</c>.</summary>
    public string OwnerLabel
    {
        get
        {
            var sole = SoleOwner;
            if (sole != null) return sole;
            return Vips.Any(v => MastersOf(v).Count > 0) ? OwnershipSample.Split : OwnershipSample.None;
        }
    }

    /// <summary>The owner of one VIP for its timeline row: its one MASTER, <c>split</c> (several) or <c>none</c>.</summary>
    public string OwnerOf(string vip)
    {
        var masters = MastersOf(vip);
        return masters.Count == 1 ? masters[0] : masters.Count > 1 ? OwnershipSample.Split : OwnershipSample.None;
    }

    /// <summary>True when every VIP has exactly one MASTER.</summary>
    public bool OneMasterPerVip => Vips.Count > 0 && Vips.All(v => MastersOf(v).Count == 1);

    public FirewallCarpView? Firewall(string name) => Firewalls.FirstOrDefault(f => string.Equals(f.Firewall, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One gateway of one firewall as the preflight sees it.</summary>
internal sealed record GatewayView
{
    public string Firewall { get; init; } = "";

    public string Name { get; init; } = "";

    public GatewayHealth Health { get; init; }

    /// <summary>pfSense's own words (online, down, force_down, ...).</summary>
    public string Status { get; init; } = "";
}

/// <summary>A firewall VM as Proxmox reports it now.</summary>
internal sealed record VmView
{
    public string Firewall { get; init; } = "";

    public int VmId { get; init; }

    /// <summary>The Proxmox node it runs on; empty when the cluster does not have it.</summary>
    public string Node { get; init; } = "";

    public bool Running { get; init; }
}

/// <summary>Everything the preflight gates and the restore check judge.</summary>
internal sealed record PreflightSnapshot
{
    public CarpSnapshot Carp { get; init; } = new CarpSnapshot();

    /// <summary>Null when pfsync could not be judged (then <see cref="PfsyncReasons"/> says why).</summary>
    public bool? PfsyncInSync { get; init; }

    public IReadOnlyList<string> PfsyncReasons { get; init; } = Array.Empty<string>();

    public IReadOnlyList<GatewayView> Gateways { get; init; } = Array.Empty<GatewayView>();

    /// <summary>Firewalls whose gateways could not be read, with why.</summary>
    public IReadOnlyList<string> GatewayFailures { get; init; } = Array.Empty<string>();

    public IReadOnlyList<VmView> Vms { get; init; } = Array.Empty<VmView>();

    /// <summary>Each firewall's default gateway setting: whether a dead WAN moves the default route at all.</summary>
    public IReadOnlyList<DefaultGatewayView> DefaultGateways { get; init; } = Array.Empty<DefaultGatewayView>();

    /// <summary>Why the VMs could not be read, when they could not.</summary>
    public string? VmFailure { get; init; }
}

/// <summary>A firewall's "Default gateway IPv4" setting and what it means for a WAN failover.</summary>
internal sealed record DefaultGatewayView
{
    public string Firewall { get; init; } = "";

    /// <summary>As configured: a gateway group's name, a gateway's name, "" (Automatic) or "-" (None); null when unread.</summary>
    public string? Setting { get; init; }

    /// <summary>The setting names a gateway group.</summary>
    public bool IsGroup { get; init; }

    /// <summary>Why it could not be read, when it could not.</summary>
    public string? Error { get; init; }
}

/// <summary>A firewall's default route as the restore check compares it with the one before the fault.</summary>
internal sealed record RouteReading
{
    public string Firewall { get; init; } = "";

    /// <summary>The gateway the default route used before the fault.</summary>
    public string Expected { get; init; } = "";

    /// <summary>The gateway it uses now; null when it could not be read.</summary>
    public string? Actual { get; init; }
}

/// <summary>One preflight gate's verdict.</summary>
public sealed record GateResult
{
    public string Gate { get; init; } = "";

    public bool Passed { get; init; }

    /// <summary>Why it failed (or what it saw when it passed).</summary>
    public string Reason { get; init; } = "";

    public override string ToString() => (Passed ? "PASS " : "FAIL ") + Gate + ": " + Reason;
}
