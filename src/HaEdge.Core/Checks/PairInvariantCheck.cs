using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Pfsync;

namespace HaEdge.Core.Checks;

/// <summary>
/// What the pair must hold beyond wiring both nodes alike: state sync on the dedicated sync segment and aimed at the
/// peer's sync address; and a CARP VIP on every segment marked carp, on both firewalls, with the same vhid and
/// advbase, no vhid twice on one broadcast domain. Pure: the definition, the VMs (which name the firewalls'
/// interfaces) and the firewalls' readings in, findings out.
/// </summary>
internal static class PairInvariantCheck
{
    public const string PfsyncNotOnSyncSegment = nameof(PfsyncNotOnSyncSegment);
    public const string PfsyncPeerNotSyncAddress = nameof(PfsyncPeerNotSyncAddress);
    public const string CarpVipMissing = nameof(CarpVipMissing);
    public const string CarpVhidMismatch = nameof(CarpVhidMismatch);
    public const string CarpAdvbaseMismatch = nameof(CarpAdvbaseMismatch);
    public const string CarpVhidReused = nameof(CarpVhidReused);

    /// <summary>pfsync's syncdev on each firewall is the interface of the definition's sync segment, and its syncpeer (when set) the peer's sync address.</summary>
    public static IReadOnlyList<Finding> SyncPath(EdgeDefinition edge, IReadOnlyList<HaEdgeVm> vms, IReadOnlyList<PfsyncNodeStatus> pfsync)
    {
        if (edge == null) throw new ArgumentNullException(nameof(edge));
        var findings = new List<Finding>();
        SegmentDefinition? sync = edge.Segments.FirstOrDefault(segment => segment.Kind == SegmentKind.Sync);
        foreach (PfsyncNodeStatus node in pfsync.Where(n => n.Reachable && !string.IsNullOrEmpty(n.SyncDev)))
        {
            FirewallDefinition? firewall = edge.Firewalls.FirstOrDefault(f => f.Name == node.Firewall);
            if (firewall == null) continue;
            string? expected = sync == null ? null : InterfaceOf(vms, firewall, sync);
            if (expected != null && !string.Equals(node.SyncDev, expected, StringComparison.Ordinal))
            {
                findings.Add(new Finding(FindingSeverity.Error, PfsyncNotOnSyncSegment, node.Firewall,
                    $"{node.Firewall} syncs states over {node.SyncDev}, not {expected} on {sync!.Name}: the state sync then depends on a segment it should survive, and competes with its traffic.",
                    $"On {node.Firewall}: System > High Avail. Sync > Synchronize Interface = the {sync.Name} interface ({expected}); the same on its peer."));
            }

            string? peerAddress = edge.PeerOf(firewall).SyncAddress;
            if (!string.IsNullOrEmpty(node.SyncPeer) && peerAddress != null && !string.Equals(node.SyncPeer, peerAddress, StringComparison.Ordinal))
            {
                findings.Add(new Finding(FindingSeverity.Error, PfsyncPeerNotSyncAddress, node.Firewall,
                    $"{node.Firewall} sends its states to {node.SyncPeer}, not to its peer's sync address {peerAddress}.",
                    $"On {node.Firewall}: System > High Avail. Sync > pfsync Synchronize Peer IP = {peerAddress} (or empty for multicast on the sync segment)."));
            }
        }

        return findings;
    }

    /// <summary>
    /// Each segment marked carp has a VIP on both firewalls, with the same vhid and advbase on both; no vhid serves two
    /// segments of one broadcast domain (the same bridge and VLAN), whose virtual MAC 00:00:5e:00:01:vhid would clash.
    /// </summary>
    public static IReadOnlyList<Finding> CarpCoverage(EdgeDefinition edge, IReadOnlyList<HaEdgeVm> vms, IReadOnlyList<CarpVipStatus> vips)
    {
        if (edge == null) throw new ArgumentNullException(nameof(edge));
        var findings = new List<Finding>();
        var domains = new Dictionary<string, List<(SegmentDefinition Segment, int Vhid)>>(StringComparer.Ordinal);
        foreach (SegmentDefinition segment in edge.Segments.Where(s => s.Carp))
        {
            var sides = edge.Firewalls.Select(firewall =>
            {
                string? name = InterfaceOf(vms, firewall, segment);
                return (Firewall: firewall, Interface: name,
                    Vips: name == null ? new List<CarpVipStatus>() : vips.Where(v => v.Firewall == firewall.Name && v.Interface == name).ToList());
            }).ToList();
            // A passed-through NIC has a name this check cannot know: nothing to judge on that side.
            if (sides.Any(side => side.Interface == null)) continue;

            foreach (var side in sides.Where(side => side.Vips.Count == 0))
            {
                findings.Add(new Finding(FindingSeverity.Error, CarpVipMissing, $"{side.Firewall.Name}/{segment.Name}",
                    $"{segment.Name} is marked carp but {side.Firewall.Name} has no CARP VIP on {side.Interface}: that segment does not fail over with the others.",
                    $"Add the CARP VIP of {segment.Name} on {side.Firewall.Name} (Firewall > Virtual IPs, or let the primary's XMLRPC sync of virtual IPs create it), with the same vhid as on its peer."));
            }

            if (sides.All(side => side.Vips.Count > 0))
            {
                var vhids = sides.Select(side => side.Vips.Select(v => v.Vhid).OrderBy(v => v).ToList()).ToList();
                if (!vhids[0].SequenceEqual(vhids[1]))
                {
                    findings.Add(new Finding(FindingSeverity.Error, CarpVhidMismatch, segment.Name,
                        $"{segment.Name}: the firewalls use different vhids ({string.Join("; ", sides.Select((side, i) => $"{side.Firewall.Name} vhid {string.Join(", ", vhids[i])}"))}): they never hear each other as one VIP, so both become MASTER.",
                        $"Give the VIP of {segment.Name} the same vhid on both firewalls (sync virtual IPs from the primary)."));
                }
                else
                {
                    foreach (int vhid in vhids[0])
                    {
                        var advbases = sides.Select(side => side.Vips.First(v => v.Vhid == vhid).AdvBase).ToList();
                        if (advbases.Distinct().Count() > 1)
                        {
                            findings.Add(new Finding(FindingSeverity.Error, CarpAdvbaseMismatch, $"{segment.Name} vhid {vhid.ToString(CultureInfo.InvariantCulture)}",
                                $"{segment.Name} vhid {vhid}: advbase {string.Join(" and ", sides.Select((side, i) => $"{advbases[i]} on {side.Firewall.Name}"))}: the election then depends on the advertisement interval, not the skew.",
                                $"Set the same advbase on both firewalls for vhid {vhid} (sync virtual IPs from the primary)."));
                        }
                    }
                }

                string domain = BroadcastDomain(vms, edge.Primary, segment);
                if (!domains.TryGetValue(domain, out var used)) domains[domain] = used = new List<(SegmentDefinition, int)>();
                used.AddRange(sides[0].Vips.Select(v => (segment, v.Vhid)));
            }
        }

        foreach (var domain in domains)
        {
            foreach (var reused in domain.Value.GroupBy(entry => entry.Vhid).Where(group => group.Select(e => e.Segment.Name).Distinct().Count() > 1))
            {
                findings.Add(new Finding(FindingSeverity.Error, CarpVhidReused, $"vhid {reused.Key.ToString(CultureInfo.InvariantCulture)}",
                    $"vhid {reused.Key} serves {string.Join(" and ", reused.Select(e => e.Segment.Name).Distinct())}, which share one broadcast domain ({domain.Key}): both VIPs answer from the same virtual MAC 00:00:5e:00:01:{reused.Key:x2}.",
                    "Give each VIP on one broadcast domain its own vhid."));
            }
        }

        return findings;
    }

    /// <summary>The pfSense interface of <paramref name="segment"/> on <paramref name="firewall"/>: its NIC's driver name, with .vlan when pfSense tags the VLAN itself; null when the NIC is passed through or missing.</summary>
    private static string? InterfaceOf(IReadOnlyList<HaEdgeVm> vms, FirewallDefinition firewall, SegmentDefinition segment)
    {
        HaEdgeVm? vm = vms.FirstOrDefault(v => v.Firewall == firewall.Name);
        var nic = vm?.Nics.FirstOrDefault(n => n.Index == segment.Net);
        if (vm == null || nic == null) return null;
        string name = SymmetryCheck.GuestInterfaceName(vm, nic);
        return segment.Vlan is int vlan && nic.Tag == null ? name + "." + vlan.ToString(CultureInfo.InvariantCulture) : name;
    }

    /// <summary>The node bridge and VLAN a segment's frames travel on (as the primary's NIC attaches it).</summary>
    private static string BroadcastDomain(IReadOnlyList<HaEdgeVm> vms, FirewallDefinition primary, SegmentDefinition segment)
    {
        var nic = vms.FirstOrDefault(v => v.Firewall == primary.Name)?.Nics.FirstOrDefault(n => n.Index == segment.Net);
        int? vlan = segment.Vlan ?? nic?.Tag;
        return $"bridge {nic?.Bridge ?? segment.Bridge ?? "?"}" + (vlan is int v ? $", VLAN {v.ToString(CultureInfo.InvariantCulture)}" : ", untagged");
    }
}
