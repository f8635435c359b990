using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Checks;

/// <summary>
/// Compares the two nodes and the two VMs segment by segment: every asymmetry or L2 setting that silences CARP or
/// pfsync is a finding (platform-facts §3.1-3.6, 3.8). Pure: facts in, findings out.
/// </summary>
internal static class SymmetryCheck
{
    public const string SegmentNicMissing = nameof(SegmentNicMissing);
    public const string AttachmentMismatch = nameof(AttachmentMismatch);
    public const string SegmentPassthrough = nameof(SegmentPassthrough);
    public const string NicBridgeMismatch = nameof(NicBridgeMismatch);
    public const string BridgeMissing = nameof(BridgeMissing);
    public const string BridgeNoUplink = nameof(BridgeNoUplink);
    public const string VlanAsymmetric = nameof(VlanAsymmetric);
    public const string VlanTagNotAsDefined = nameof(VlanTagNotAsDefined);
    public const string VlanNotOnBridge = nameof(VlanNotOnBridge);
    public const string VlanNotTrunked = nameof(VlanNotTrunked);
    public const string BridgeVlanModeMismatch = nameof(BridgeVlanModeMismatch);
    public const string NicModelMismatch = nameof(NicModelMismatch);
    public const string InterfaceOrderMismatch = nameof(InterfaceOrderMismatch);
    public const string MtuMismatch = nameof(MtuMismatch);
    public const string MacFilterOnCarp = nameof(MacFilterOnCarp);
    public const string BridgeMacLearningDisabled = nameof(BridgeMacLearningDisabled);
    public const string MulticastSnoopingIpv6Carp = nameof(MulticastSnoopingIpv6Carp);
    public const string SingleLeaseWanCarp = nameof(SingleLeaseWanCarp);
    public const string WanSharesPort = nameof(WanSharesPort);
    public const string SyncSharesWanPort = nameof(SyncSharesWanPort);

    /// <summary>Linux's default MTU, used when neither the NIC nor its bridge sets one.</summary>
    private const int DefaultMtu = 1500;

    public static IReadOnlyList<Finding> Evaluate(SymmetryFacts facts)
    {
        if (facts == null) throw new ArgumentNullException(nameof(facts));
        var findings = new List<Finding>();
        foreach (SegmentDefinition segment in facts.Segments)
        {
            CheckSegment(facts, segment, findings);
        }
        foreach (SymmetrySide side in new[] { facts.Primary, facts.Secondary })
        {
            CheckPorts(facts, side, findings);
        }
        // Segments sharing a bridge (LAN and its VLANs) would report the same bridge problem once each.
        return findings.GroupBy(finding => (finding.Code, finding.Target)).Select(same => same.First()).ToList();
    }

    /// <summary>The interface name pfSense gives a NIC: driver plus its position among the VM's NICs of that driver.</summary>
    public static string GuestInterfaceName(HaEdgeVm vm, NetDevice nic)
    {
        string driver = Driver(nic.Model);
        int position = vm.Nics.Where(other => other.Index < nic.Index).Count(other => Driver(other.Model) == driver);
        return driver + position.ToString(CultureInfo.InvariantCulture);
    }

    private static void CheckSegment(SymmetryFacts facts, SegmentDefinition segment, List<Finding> findings)
    {
        if (segment.Kind == SegmentKind.Wan && segment.Carp && IsSingleLease(segment.Addressing))
        {
            findings.Add(new Finding(FindingSeverity.Information, SingleLeaseWanCarp, segment.Name,
                $"{segment.Name}: a {segment.Addressing} WAN gets one address per lease, but a CARP VIP needs one address per firewall plus one per VIP in the same L2 segment.",
                "Set carp to false for this WAN and enable the WAN interface only on the CARP MASTER (a script on the CARP state change brings it up and down), or get a static block with three addresses."));
        }

        NetDevice? primaryNic = NicOf(facts.Primary, segment);
        NetDevice? secondaryNic = NicOf(facts.Secondary, segment);
        bool primaryPassthrough = primaryNic == null && facts.Primary.Vm.PciDevices.Count > 0;
        bool secondaryPassthrough = secondaryNic == null && facts.Secondary.Vm.PciDevices.Count > 0;
        if (primaryNic == null && !primaryPassthrough) ReportMissingNic(facts.Primary, segment, findings);
        if (secondaryNic == null && !secondaryPassthrough) ReportMissingNic(facts.Secondary, segment, findings);

        if (primaryPassthrough && secondaryPassthrough)
        {
            findings.Add(new Finding(FindingSeverity.Information, SegmentPassthrough, segment.Name,
                $"{segment.Name}: both firewalls reach it through PCI passthrough (no net{segment.Net}), which ties each VM to its host.",
                "Nothing to do: expected when the NIC is passed through; CARP moves the service, not the hypervisor."));
            return;
        }
        if (primaryPassthrough != secondaryPassthrough && (primaryNic ?? secondaryNic) != null)
        {
            SymmetrySide bridged = primaryNic != null ? facts.Primary : facts.Secondary;
            SymmetrySide passedThrough = primaryNic != null ? facts.Secondary : facts.Primary;
            findings.Add(new Finding(FindingSeverity.Error, AttachmentMismatch, segment.Name,
                $"{segment.Name}: {bridged.Vm.Firewall} uses a bridge (net{segment.Net}) but {passedThrough.Vm.Firewall} has no net{segment.Net} and a PCI passthrough NIC instead: the interface names and L2 paths differ.",
                $"Choose one attachment for {segment.Name} on both nodes: either net{segment.Net} on bridge {segment.Bridge ?? "(the segment's bridge)"} or passthrough on both."));
            return;
        }
        if (primaryNic == null || secondaryNic == null)
        {
            return;
        }

        NodeNetworkInterface? primaryBridge = CheckSide(facts, facts.Primary, primaryNic, segment, findings);
        NodeNetworkInterface? secondaryBridge = CheckSide(facts, facts.Secondary, secondaryNic, segment, findings);
        CheckVlanSymmetry(facts, segment, primaryNic, secondaryNic, primaryBridge, secondaryBridge, findings);
        CheckNicSymmetry(facts, segment, primaryNic, secondaryNic, primaryBridge, secondaryBridge, findings);
    }

    /// <summary>
    /// One node's physical ports: each WAN on its own (or its own VLAN on a shared trunk, as the definition states),
    /// and the sync segment on none a WAN uses, so state and config sync never depend on the uplink they protect.
    /// </summary>
    private static void CheckPorts(SymmetryFacts facts, SymmetrySide side, List<Finding> findings)
    {
        string node = side.Vm.ExpectedNode;
        var wans = facts.Segments.Where(segment => segment.Kind == SegmentKind.Wan)
            .Select(segment => (Segment: segment, Ports: PhysicalPorts(side, segment))).ToList();
        for (int i = 0; i < wans.Count; i++)
        {
            for (int j = i + 1; j < wans.Count; j++)
            {
                var (first, second) = (wans[i], wans[j]);
                foreach (var shared in first.Ports.Join(second.Ports, a => a.Port, b => b.Port, (a, b) => (a.Port, FirstVlan: a.Vlan, SecondVlan: b.Vlan))
                    .Where(port => port.FirstVlan == null || port.SecondVlan == null || port.FirstVlan == port.SecondVlan))
                {
                    findings.Add(new Finding(FindingSeverity.Error, WanSharesPort, node + "/" + shared.Port,
                        $"{first.Segment.Name} and {second.Segment.Name} both reach {side.Vm.Firewall} on {node} through port {shared.Port} without separate VLANs: "
                        + "one cable or switch port carries both uplinks, so it fails both WANs at once.",
                        $"Give each WAN its own physical port on {node} (its own bridge-ports), or separate VLANs on a trunk and set vlan on both WAN segments in the edge definition."));
                }
            }
        }

        SegmentDefinition? sync = facts.Segments.FirstOrDefault(segment => segment.Kind == SegmentKind.Sync);
        if (sync == null)
        {
            return;
        }
        var syncPorts = PhysicalPorts(side, sync).Select(port => port.Port).ToList();
        foreach (var (wan, ports) in wans)
        {
            foreach (string port in ports.Select(p => p.Port).Intersect(syncPorts, StringComparer.Ordinal))
            {
                findings.Add(new Finding(FindingSeverity.Error, SyncSharesWanPort, node + "/" + port,
                    $"{sync.Name} and {wan.Name} share port {port} on {node}: pfsync and the XMLRPC sync then ride on the uplink they are meant to survive.",
                    $"Put {sync.Name} on a port of its own on {node} (a dedicated NIC between the nodes, or a direct cable), not one {wan.Name} uses."));
            }
        }
    }

    /// <summary>
    /// The physical ports (eth, or a bond's slaves) that carry <paramref name="segment"/> to the firewall on this
    /// node, each with the VLAN that separates it there: the segment's own, or that of a VLAN interface in between.
    /// </summary>
    private static IReadOnlyList<(string Port, int? Vlan)> PhysicalPorts(SymmetrySide side, SegmentDefinition segment)
    {
        NetDevice? nic = NicOf(side, segment);
        NodeNetworkInterface? bridge = nic == null ? null : side.NodeNetwork.FirstOrDefault(iface => iface.Name == nic.Bridge);
        if (bridge == null)
        {
            return Array.Empty<(string, int?)>();
        }
        var ports = new List<(string, int?)>();
        void Walk(string name, int? vlan, int depth)
        {
            NodeNetworkInterface? iface = side.NodeNetwork.FirstOrDefault(i => i.Name == name);
            if (depth > 4 || name == "none") return;
            if (iface?.Type == NetworkInterfaceType.Vlan || iface == null && name.Contains('.'))
            {
                string raw = iface?.VlanRawDevice ?? name.Substring(0, name.LastIndexOf('.'));
                int? id = iface?.VlanId ?? (int.TryParse(name.Substring(name.LastIndexOf('.') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : (int?)null);
                Walk(raw, vlan ?? id, depth + 1);
            }
            else if (iface?.Type == NetworkInterfaceType.Bond || iface?.Type == NetworkInterfaceType.OVSBond)
            {
                foreach (string slave in iface.Slaves.Concat(iface.OvsPorts)) Walk(slave, vlan, depth + 1);
            }
            else
            {
                ports.Add((name, vlan));
            }
        }
        foreach (string port in bridge.BridgePorts.Concat(bridge.OvsPorts))
        {
            Walk(port, segment.Vlan ?? nic!.Tag, 0);
        }
        return ports;
    }

    private static NetDevice? NicOf(SymmetrySide side, SegmentDefinition segment) =>
        side.Vm.Nics.FirstOrDefault(nic => nic.Index == segment.Net);

    private static void ReportMissingNic(SymmetrySide side, SegmentDefinition segment, List<Finding> findings) =>
        findings.Add(new Finding(FindingSeverity.Error, SegmentNicMissing, VmTarget(side, segment),
            $"{segment.Name}: {side.Vm.Firewall} (VM {side.Vm.VmId}) has no net{segment.Net} and no passthrough NIC, so it is not on this segment.",
            $"Add it: qm set {side.Vm.VmId} --net{segment.Net} virtio,bridge={segment.Bridge ?? "<bridge>"}" + (segment.Vlan.HasValue ? ",tag=" + segment.Vlan.Value.ToString(CultureInfo.InvariantCulture) : "")));

    /// <summary>One VM's NIC against its node: bridge, uplink, L2 filters, VLAN reach. Returns the bridge when the node has it.</summary>
    private static NodeNetworkInterface? CheckSide(SymmetryFacts facts, SymmetrySide side, NetDevice nic, SegmentDefinition segment, List<Finding> findings)
    {
        string node = side.Vm.ExpectedNode;
        if (segment.Bridge != null && !string.Equals(nic.Bridge, segment.Bridge, StringComparison.Ordinal))
        {
            findings.Add(new Finding(FindingSeverity.Error, NicBridgeMismatch, VmTarget(side, segment),
                $"{segment.Name}: net{nic.Index} of {side.Vm.Firewall} is on bridge {nic.Bridge ?? "(none)"}, the edge definition says {segment.Bridge}.",
                $"qm set {side.Vm.VmId} --net{nic.Index} {(nic with { Bridge = segment.Bridge }).ToPropertyString()}"));
        }

        NodeNetworkInterface? bridge = side.NodeNetwork.FirstOrDefault(iface => iface.Name == nic.Bridge
            && (iface.Type == NetworkInterfaceType.Bridge || iface.Type == NetworkInterfaceType.OVSBridge));
        if (bridge == null)
        {
            findings.Add(new Finding(FindingSeverity.Error, BridgeMissing, node + "/" + nic.Bridge,
                $"{segment.Name}: node {node} has no bridge {nic.Bridge} for net{nic.Index} of {side.Vm.Firewall}; the VM cannot start there.",
                $"Create {nic.Bridge} on {node} with the same physical port as on the other node (System > Network, or /etc/network/interfaces), then ifreload -a."));
        }
        else
        {
            CheckBridge(facts, side, bridge, segment, findings);
        }

        CheckVlanReach(side, nic, bridge, segment, findings);
        if (segment.Carp)
        {
            CheckMacFilter(side, nic, segment, findings);
        }
        return bridge;
    }

    private static void CheckBridge(SymmetryFacts facts, SymmetrySide side, NodeNetworkInterface bridge, SegmentDefinition segment, List<Finding> findings)
    {
        string node = side.Vm.ExpectedNode;
        string target = node + "/" + bridge.Name;
        if (!bridge.BridgePorts.Concat(bridge.OvsPorts).Any(port => port != "none"))
        {
            string consequence = segment.Kind == SegmentKind.Wan
                ? $"{segment.Name} does not reach {node}: a firewall there loses that WAN"
                : $"{side.Vm.Firewall} on {node} cannot reach its peer on {segment.Name}, so CARP and pfsync do not cross";
            findings.Add(new Finding(FindingSeverity.Error, BridgeNoUplink, target,
                $"{segment.Name}: bridge {bridge.Name} on {node} has no physical port; {consequence}.",
                $"Give {bridge.Name} on {node} its uplink (bridge-ports <nic>) as on the other node, then ifreload -a."));
        }
        if (!segment.Carp)
        {
            return;
        }
        if (OtherField(bridge, "bridge-disable-mac-learning") == "1")
        {
            findings.Add(new Finding(FindingSeverity.Error, BridgeMacLearningDisabled, target,
                $"{segment.Name}: bridge {bridge.Name} on {node} has bridge-disable-mac-learning 1: only configured VM MACs get forwarded, so traffic to the CARP virtual MAC never reaches the MASTER.",
                $"Remove bridge-disable-mac-learning from {bridge.Name} on {node} (/etc/network/interfaces), then ifreload -a."));
        }
        // Snooping restricts ff02::12 (IPv6 CARP) to MLD listeners; 224.0.0.18 is always flooded.
        if (facts.Ipv6CarpSegments.Contains(segment.Name, StringComparer.OrdinalIgnoreCase) && OtherField(bridge, "bridge-mcsnoop") != "0")
        {
            findings.Add(new Finding(FindingSeverity.Warning, MulticastSnoopingIpv6Carp, target,
                $"{segment.Name}: bridge {bridge.Name} on {node} has multicast snooping on (the kernel default), so IPv6 CARP adverts to ff02::12 reach only ports with a current MLD report and may stop.",
                $"Set bridge-mcsnoop 0 on {bridge.Name} on {node} (or echo 0 > /sys/class/net/{bridge.Name}/bridge/multicast_snooping), or make sure an MLD querier runs."));
        }
    }

    /// <summary>The VLAN the tap carries is allowed on the bridge, and a trunk into the guest includes the segment's VLAN.</summary>
    private static void CheckVlanReach(SymmetrySide side, NetDevice nic, NodeNetworkInterface? bridge, SegmentDefinition segment, List<Finding> findings)
    {
        int? vlan = nic.Tag ?? segment.Vlan;
        if (vlan.HasValue && bridge != null && bridge.BridgeVlanAware && bridge.BridgeVids.Count > 0 && !bridge.BridgeVids.Any(range => range.Contains(vlan.Value)))
        {
            findings.Add(new Finding(FindingSeverity.Error, VlanNotOnBridge, side.Vm.ExpectedNode + "/" + bridge.Name,
                $"{segment.Name}: VLAN {vlan} is not in bridge-vids {string.Join(" ", bridge.BridgeVids)} of VLAN-aware {bridge.Name} on {side.Vm.ExpectedNode}, so its frames are dropped there.",
                $"Add {vlan} to bridge-vids of {bridge.Name} on {side.Vm.ExpectedNode}, then ifreload -a."));
        }
        if (nic.Tag == null && segment.Vlan.HasValue && nic.Trunks.Count > 0 && !nic.Trunks.Any(range => range.Contains(segment.Vlan.Value)))
        {
            findings.Add(new Finding(FindingSeverity.Error, VlanNotTrunked, VmTarget(side, segment),
                $"{segment.Name}: net{nic.Index} of {side.Vm.Firewall} trunks {string.Join(";", nic.Trunks)} into pfSense but not VLAN {segment.Vlan}.",
                $"qm set {side.Vm.VmId} --net{nic.Index} {(nic with { Trunks = nic.Trunks.Concat(new[] { new VlanRange(segment.Vlan.Value, segment.Vlan.Value) }).ToList() }).ToPropertyString()}"));
        }
    }

    /// <summary>PVE's MAC filter drops frames from any MAC but the NIC's own: CARP sends from 00:00:5e:00:01:vhid.</summary>
    private static void CheckMacFilter(SymmetrySide side, NetDevice nic, SegmentDefinition segment, List<Finding> findings)
    {
        VmFirewallOptions? options = side.Vm.FirewallOptions;
        if (options == null || !options.Enable || !nic.Firewall || !options.MacFilter)
        {
            return;
        }
        string node = side.Vm.Node.Length > 0 ? side.Vm.Node : side.Vm.ExpectedNode;
        findings.Add(new Finding(FindingSeverity.Error, MacFilterOnCarp, VmTarget(side, segment),
            $"{segment.Name}: the Proxmox firewall MAC filter is active on net{nic.Index} of {side.Vm.Firewall} (VM firewall on, NIC firewall=1, macfilter not 0): CARP adverts and ARP from the virtual MAC are dropped at the tap, so both firewalls become MASTER.",
            $"pvesh set /nodes/{node}/qemu/{side.Vm.VmId}/firewall/options --macfilter 0   (or: qm set {side.Vm.VmId} --net{nic.Index} {(nic with { Firewall = false }).ToPropertyString()},firewall=0)"));
    }

    private static void CheckVlanSymmetry(SymmetryFacts facts, SegmentDefinition segment, NetDevice primaryNic, NetDevice secondaryNic,
        NodeNetworkInterface? primaryBridge, NodeNetworkInterface? secondaryBridge, List<Finding> findings)
    {
        if (primaryNic.Tag != secondaryNic.Tag)
        {
            findings.Add(new Finding(FindingSeverity.Error, VlanAsymmetric, segment.Name,
                $"{segment.Name}: net{segment.Net} is {TagText(primaryNic)} on {facts.Primary.Vm.Firewall} but {TagText(secondaryNic)} on {facts.Secondary.Vm.Firewall}: adverts leave on different VLANs, never meet, and both firewalls become MASTER.",
                "Tag the segment in the same place on both: tag=" + (segment.Vlan?.ToString(CultureInfo.InvariantCulture) ?? "<vid>") + " on both NICs with a VLAN-aware bridge, or untagged NICs trunking into pfSense on both."));
        }
        else if (segment.Vlan.HasValue && primaryNic.Tag.HasValue && primaryNic.Tag != segment.Vlan)
        {
            findings.Add(new Finding(FindingSeverity.Warning, VlanTagNotAsDefined, segment.Name,
                $"{segment.Name}: both NICs are tagged {primaryNic.Tag}, the edge definition says VLAN {segment.Vlan}.",
                $"Correct the vlan of {segment.Name} in the edge definition, or retag both NICs to {segment.Vlan}."));
        }

        bool tagged = segment.Vlan.HasValue || primaryNic.Tag.HasValue;
        if (tagged && primaryBridge != null && secondaryBridge != null && primaryBridge.BridgeVlanAware != secondaryBridge.BridgeVlanAware)
        {
            findings.Add(new Finding(FindingSeverity.Warning, BridgeVlanModeMismatch, segment.Name,
                $"{segment.Name}: {primaryBridge.Name} is {VlanMode(primaryBridge)} on {facts.Primary.Vm.ExpectedNode} but {VlanMode(secondaryBridge)} on {facts.Secondary.Vm.ExpectedNode}: the VLAN leaves each node by a different path.",
                "Make the bridge VLAN-aware on both nodes (bridge-vlan-aware yes, bridge-vids 2-4094), then ifreload -a."));
        }
    }

    private static void CheckNicSymmetry(SymmetryFacts facts, SegmentDefinition segment, NetDevice primaryNic, NetDevice secondaryNic,
        NodeNetworkInterface? primaryBridge, NodeNetworkInterface? secondaryBridge, List<Finding> findings)
    {
        HaEdgeVm primary = facts.Primary.Vm;
        HaEdgeVm secondary = facts.Secondary.Vm;
        string primaryName = GuestInterfaceName(primary, primaryNic);
        string secondaryName = GuestInterfaceName(secondary, secondaryNic);
        if (!string.Equals(primaryNic.Model, secondaryNic.Model, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new Finding(FindingSeverity.Error, NicModelMismatch, segment.Name,
                $"{segment.Name}: net{segment.Net} is {primaryNic.Model} ({primaryName}) on {primary.Firewall} but {secondaryNic.Model} ({secondaryName}) on {secondary.Firewall}: pfSense interface names differ, so config sync and pfsync map the wrong interfaces.",
                $"Use the same model on both: qm set {secondary.VmId} --net{segment.Net} {(secondaryNic with { Model = primaryNic.Model }).ToPropertyString()}"));
        }
        else if (primaryName != secondaryName)
        {
            findings.Add(new Finding(FindingSeverity.Error, InterfaceOrderMismatch, segment.Name,
                $"{segment.Name}: net{segment.Net} becomes {primaryName} on {primary.Firewall} but {secondaryName} on {secondary.Firewall}, because the NICs before it differ: pfSense interface names must match for config sync and pfsync.",
                $"Give both VMs the same netN list in the same order and models (compare qm config {primary.VmId} with qm config {secondary.VmId})."));
        }

        int primaryMtu = EffectiveMtu(primaryNic, primaryBridge);
        int secondaryMtu = EffectiveMtu(secondaryNic, secondaryBridge);
        if (primaryMtu != secondaryMtu)
        {
            findings.Add(new Finding(FindingSeverity.Warning, MtuMismatch, segment.Name,
                $"{segment.Name}: MTU {primaryMtu} on {primary.Firewall} but {secondaryMtu} on {secondary.Firewall}: large frames (pfsync bulk updates, full-size packets after failover) are lost one way.",
                "Set the same MTU on both bridges and NICs (mtu= on the NIC, or 1 to follow the bridge)."));
        }
    }

    private static string VmTarget(SymmetrySide side, SegmentDefinition segment) =>
        side.Vm.Firewall + "/net" + segment.Net.ToString(CultureInfo.InvariantCulture);

    private static string TagText(NetDevice nic) =>
        nic.Tag.HasValue ? "tagged " + nic.Tag.Value.ToString(CultureInfo.InvariantCulture) + " at the tap" : "untagged at the tap";

    private static string VlanMode(NodeNetworkInterface bridge) => bridge.BridgeVlanAware ? "VLAN-aware" : "traditional (not VLAN-aware)";

    /// <summary>NIC mtu=1 (or none) follows the bridge; a bridge without mtu has Linux's default.</summary>
    private static int EffectiveMtu(NetDevice nic, NodeNetworkInterface? bridge) =>
        nic.Mtu is int mtu && mtu > 1 ? mtu : bridge?.Mtu ?? DefaultMtu;

    private static bool IsSingleLease(string? addressing) =>
        string.Equals(addressing, "dhcp", StringComparison.OrdinalIgnoreCase) || string.Equals(addressing, "pppoe", StringComparison.OrdinalIgnoreCase);

    /// <summary>An ifupdown2 option the node network API passes through, whichever of - or _ it is spelled with.</summary>
    private static string? OtherField(NodeNetworkInterface iface, string name) =>
        iface.OtherFields.TryGetValue(name, out string? value) || iface.OtherFields.TryGetValue(name.Replace('-', '_'), out value) ? value : null;

    /// <summary>The FreeBSD driver pfSense names the interface after.</summary>
    private static string Driver(string? model)
    {
        string name = (model ?? "").ToLowerInvariant();
        if (name == "virtio") return "vtnet";
        if (name.StartsWith("e1000", StringComparison.Ordinal)) return "em";
        if (name == "vmxnet3") return "vmx";
        if (name == "rtl8139") return "re";
        if (name.StartsWith("ne2k", StringComparison.Ordinal)) return "ed";
        if (name == "pcnet") return "le";
        if (name.StartsWith("i8255", StringComparison.Ordinal)) return "fxp";
        return name;
    }
}
