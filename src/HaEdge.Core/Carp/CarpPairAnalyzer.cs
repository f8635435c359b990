using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaEdge.Core.Definition;

namespace HaEdge.Core.Carp;

/// <summary>The pair verdict per VIP and the flags (pure: tested without SSH).</summary>
internal static class CarpPairAnalyzer
{
    /// <summary>ip_carp.c CARP_MAXSKEW: the effective skew never exceeds it.</summary>
    public const int MaxSkew = 240;

    /// <summary>pfSense's maintenance mode advskew (interfaces.inc interface_carp_configure).</summary>
    public const int MaintenanceSkew = 254;

    /// <summary>The secondary gets advskew + 100 by XMLRPC sync, so from here on it reaches <see cref="MaxSkew"/>.</summary>
    public const int PrimarySkewLimit = 140;

    /// <summary>ip_carp.c DEMOTE_ADVSKEW: advskew + demotion clamped to 0..240.</summary>
    public static int EffectiveSkew(int advSkew, int demotion) => Math.Max(0, Math.Min(advSkew + demotion, MaxSkew));

    /// <summary>Rows for every VIP on every reachable firewall, primary first, each VIP's rows together.</summary>
    public static IReadOnlyList<CarpVipStatus> Evaluate(CarpNodeReading first, CarpNodeReading second)
    {
        var nodes = new[] { first, second }.OrderBy(n => n.Role).ToArray();
        var pairFlags = CarpFlags.None;
        var pairReasons = new List<string>();
        foreach (var node in nodes.Where(n => n.Reachable))
        {
            if (node.Sysctl!.Demotion != 0)
            {
                pairFlags |= CarpFlags.Demoted;
                pairReasons.Add(Say("{0}: net.inet.carp.demotion is {1}, added to the advskew of every VIP it has.", node.Firewall, node.Sysctl.Demotion));
            }

            if (!node.Sysctl.Allow)
            {
                pairFlags |= CarpFlags.CarpDisabled;
                pairReasons.Add(Say("{0}: CARP is disabled (net.inet.carp.allow=0).", node.Firewall));
            }

            if (node.Vips.Any(v => v.AdvSkew == MaintenanceSkew))
            {
                pairFlags |= CarpFlags.MaintenanceOn;
                pairReasons.Add(Say("{0} is in CARP maintenance mode (advskew {1}).", node.Firewall, MaintenanceSkew));
            }
        }

        var keys = nodes.SelectMany(n => n.Vips).Select(KeyOf).Distinct().ToList();
        // Split: one node is sole MASTER of some VIPs while the other is sole MASTER of others.
        var soleMasters = keys.Select(k => nodes.Where(n => n.Vips.Any(v => KeyOf(v) == k && v.State == CarpState.Master)).ToList())
            .Where(masters => masters.Count == 1).Select(masters => masters[0].Firewall).Distinct().ToList();
        if (soleMasters.Count > 1)
        {
            pairFlags |= CarpFlags.SplitAcrossNodes;
            pairReasons.Add(Say("The VIPs are split: {0} and {1} are each MASTER of some of them.", soleMasters[0], soleMasters[1]));
        }

        var rows = new List<CarpVipStatus>();
        foreach (var key in keys)
        {
            var vips = nodes.Select(n => n.Vips.FirstOrDefault(v => KeyOf(v) == key)).ToArray();
            var (verdict, flags, reasons) = Judge(nodes, vips);
            var allReasons = reasons.Concat(pairReasons).ToList();
            for (var i = 0; i < nodes.Length; i++)
            {
                var vip = vips[i];
                if (vip == null) continue;
                var peer = 1 - i;
                rows.Add(new CarpVipStatus
                {
                    Firewall = nodes[i].Firewall,
                    Role = nodes[i].Role,
                    Interface = vip.Interface,
                    Vhid = vip.Vhid,
                    Addresses = vip.Addresses.Select(a => a.Address + "/" + a.PrefixLength.ToString(CultureInfo.InvariantCulture)).ToList(),
                    State = vip.State,
                    AdvBase = vip.AdvBase,
                    AdvSkew = vip.AdvSkew,
                    Demotion = nodes[i].Sysctl!.Demotion,
                    EffectiveSkew = EffectiveSkew(vip.AdvSkew, nodes[i].Sysctl!.Demotion),
                    Maintenance = vip.AdvSkew == MaintenanceSkew,
                    Peer = nodes[peer].Firewall,
                    PeerState = vips[peer]?.State,
                    Verdict = verdict,
                    Flags = flags | pairFlags,
                    Reasons = allReasons,
                });
            }
        }

        return rows;
    }

    private static (CarpPairVerdict, CarpFlags, List<string>) Judge(CarpNodeReading[] nodes, CarpVip?[] vips)
    {
        var reasons = new List<string>();
        var flags = CarpFlags.None;
        var name = NameOf(vips.First(v => v != null)!);
        var masters = new List<string>();
        var degraded = false;
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            var vip = vips[i];
            if (!node.Reachable)
            {
                degraded = true;
                reasons.Add(Say("{0} could not be read: {1}", node.Firewall, node.Failure!.Message));
                continue;
            }

            if (vip == null)
            {
                degraded = true;
                reasons.Add(Say("{0} has no {1}.", node.Firewall, name));
                continue;
            }

            if (vip.State == CarpState.Master) masters.Add(node.Firewall);
            if (vip.State == CarpState.Init)
            {
                degraded = true;
                reasons.Add(Say("{0} is INIT on {1} (interface down or CARP disabled).", name, node.Firewall));
            }

            if (!node.Sysctl!.Allow) degraded = true;
            if (node.Role == FirewallRole.Primary && vip.AdvSkew >= PrimarySkewLimit && vip.AdvSkew != MaintenanceSkew)
            {
                flags |= CarpFlags.PrimarySkewTooHigh;
                reasons.Add(Say("{0}: the primary {1} has advskew {2}; the secondary's synced skew (+100) reaches {3}, so maintenance mode cannot hand {0} over.",
                    name, node.Firewall, vip.AdvSkew, MaxSkew));
            }
        }

        if (masters.Count > 1)
        {
            reasons.Insert(0, Say("{0} is MASTER on both {1} and {2}.", name, masters[0], masters[1]));
            return (CarpPairVerdict.SplitBrain, flags, reasons);
        }

        if (masters.Count == 0 && vips.All(v => v != null) && nodes.All(n => n.Reachable))
        {
            reasons.Insert(0, Say("{0} has no MASTER.", name));
            return (CarpPairVerdict.NoMaster, flags, reasons);
        }

        return (degraded ? CarpPairVerdict.Degraded : CarpPairVerdict.Healthy, flags, reasons);
    }

    /// <summary>The same VIP on the other node, matched as <see cref="KeyOf"/> does.</summary>
    internal static CarpVip? Counterpart(CarpNodeReading node, CarpVip vip) => node.Vips.FirstOrDefault(v => KeyOf(v) == KeyOf(vip));

    /// <summary>A VIP is its vhid on its interface (the same vhid may exist on another segment).</summary>
    private static string KeyOf(CarpVip vip) => (vip.Interface ?? "") + "#" + vip.Vhid.ToString(CultureInfo.InvariantCulture);

    internal static string NameOf(CarpVip vip) => NameOf(vip.Vhid, vip.Interface);

    internal static string NameOf(int vhid, string? @interface) =>
        @interface == null ? Say("vhid {0}", vhid) : Say("vhid {0} on {1}", vhid, @interface);

    private static string Say(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
