using System.Globalization;
using HaEdge.Lab.Simulators.Pve;

namespace HaEdge.Lab.Topology;

/// <summary>
/// The faults the lab injects on demand, each a real change to the lab network and each healable. Active faults
/// are recorded as files under faults/ so `status` can list them and `heal` knows what to undo.
/// </summary>
internal sealed class LabFaults
{
    public static readonly IReadOnlyList<string> Names =
        new[] { "hard-stop", "link-down", "fibre-dead", "sync-cut", "mac-filter", "vlan-asymmetry", "fixed-default-gateway", "sync-on-lan", "vip-missing" };

    private readonly LabPaths paths;
    private readonly LabNetwork lab;

    public LabFaults(LabPaths paths, LabNetwork lab)
    {
        this.paths = paths;
        this.lab = lab;
    }

    /// <summary>Applies (<paramref name="inject"/>) or heals a fault; returns a one-line description of what changed.</summary>
    public string Apply(string name, IReadOnlyList<string> target, bool inject)
    {
        string what = name switch
        {
            "hard-stop" => HardStop(Firewall(target, name), inject),
            "link-down" => LinkDown(Firewall(target, name), Net(target, name), inject),
            "fibre-dead" => FibreDead(inject),
            "sync-cut" => SyncCut(inject),
            "mac-filter" => MacFilter(Firewall(target, name), target.Count > 1 ? Net(target, name) : null, inject),
            "vlan-asymmetry" => VlanAsymmetry(target.Count > 0 ? LabLayout.Node(target[0]) : LabLayout.Nodes[1], inject),
            "fixed-default-gateway" => FixedDefaultGateway(inject),
            "sync-on-lan" => SyncOnLan(inject),
            "vip-missing" => VipMissing(Firewall(target, name), Net(target, name), inject),
            _ => throw new LabException($"unknown fault '{name}' (known: {string.Join(", ", Names)})"),
        };
        string marker = Path.Combine(paths.Faults, string.Join("_", new[] { name }.Concat(target)));
        Directory.CreateDirectory(paths.Faults);
        if (inject)
        {
            File.WriteAllText(marker, what + "\n");
        }
        else
        {
            File.Delete(marker);
        }
        return what;
    }

    /// <summary>Active faults as "name target: description".</summary>
    public IReadOnlyList<string> Active() =>
        Directory.Exists(paths.Faults)
            ? Directory.GetFiles(paths.Faults).Order(StringComparer.Ordinal)
                .Select(f => Path.GetFileName(f).Replace('_', ' ') + ": " + File.ReadAllText(f).Trim()).ToList()
            : Array.Empty<string>();

    private static LabFirewall Firewall(IReadOnlyList<string> target, string fault) =>
        target.Count > 0 ? LabLayout.Firewall(target[0]) : throw new LabException($"{fault} needs a firewall: fw1 or fw2");

    private static int Net(IReadOnlyList<string> target, string fault)
    {
        if (target.Count < 2 || !target[1].StartsWith("net", StringComparison.Ordinal) ||
            !int.TryParse(target[1].AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int net))
        {
            throw new LabException($"{fault} needs a NIC: {fault} fw1 net1 (net0 WAN, net1 LAN, net2 VLAN20, net3 Starlink, net4 sync)");
        }
        LabLayout.SegmentByNet(net);
        return net;
    }

    private string HardStop(LabFirewall fw, bool inject)
    {
        FirewallVm vm = lab.Vm(fw);
        if (inject)
        {
            vm.Stop();
            return $"{fw.Name} (vmid {fw.VmId}) powered off: processes killed, links down";
        }
        if (!vm.IsRunning)
        {
            vm.Start();
        }
        return $"{fw.Name} (vmid {fw.VmId}) started";
    }

    private string LinkDown(LabFirewall fw, int net, bool inject)
    {
        lab.Vm(fw).SetLink(net, up: !inject);
        return $"{fw.Name} net{net} ({fw.Tap(net)}) link {(inject ? "down" : "up")}";
    }

    private static string FibreDead(bool inject)
    {
        LabTopology.SetFibreUpstream(alive: !inject);
        return inject ? "fibre upstream cut behind its gateway (WAN link stays up)" : "fibre upstream back";
    }

    private static string SyncCut(bool inject)
    {
        foreach (LabNode node in LabLayout.Nodes)
        {
            Shell.Ip(node.Namespace, "link", "set", "nic9", inject ? "down" : "up");
        }
        return inject ? "sync cable between the nodes pulled" : "sync cable back";
    }

    /// <summary>Proxmox's MAC filter: frames from any MAC but the NIC's own are dropped at the tap, which drops
    /// the VRRP adverts sent from the virtual MAC 00:00:5e:00:01:vrid.</summary>
    private string MacFilter(LabFirewall fw, int? net, bool inject)
    {
        LabSimulators.ReflectInPve(paths, stateDir => PveLabState.SetFirewallOption(stateDir, fw.VmId, "macfilter", inject ? 1 : 0));
        string ns = LabLayout.Node(fw.Node).Namespace;
        string table = $"macfilter_{fw.Name}";
        Shell.InNamespace(ns, "nft", "delete", "table", "bridge", table);
        if (!inject)
        {
            return $"MAC filter on {fw.Name} removed";
        }
        IEnumerable<LabSegment> segments = net is int n ? new[] { LabLayout.SegmentByNet(n) } : LabLayout.CarpSegments;
        string rules = string.Concat(segments.Select(s =>
            $"        iifname \"{fw.Tap(s.Net)}\" ether saddr != {fw.Mac(s.Net)} drop\n"));
        string script = $"table bridge {table} {{\n    chain forward {{\n        type filter hook forward priority 0; policy accept;\n{rules}    }}\n}}\n";
        Shell.Check("ip", "netns", "exec", ns, "nft", "-f", WriteTemp(script));
        return $"MAC filter on {fw.Name} {(net is int m ? "net" + m : "CARP NICs")}: frames from the virtual MAC dropped";
    }

    private string WriteTemp(string content)
    {
        string path = Path.Combine(paths.StateDir, "nft-macfilter.nft");
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>
    /// System > Routing > Gateways, "Default gateway IPv4" set to the fibre gateway itself instead of the group:
    /// pfSense's fixup_default_gateway() (gwlb.inc) then keeps the default route on it even when it is down or marked
    /// down, so no gateway failover happens. Healed: the gateway group again.
    /// </summary>
    private string FixedDefaultGateway(bool inject)
    {
        foreach (LabFirewall fw in LabLayout.Firewalls)
        {
            string setting = Path.Combine(paths.PersistDir(fw), "defaultgw4");
            if (inject)
            {
                File.WriteAllText(setting, LabLayout.FibreGatewayName + "\n");
            }
            else
            {
                File.Delete(setting);
            }
        }
        return inject ? $"default gateway fixed to {LabLayout.FibreGatewayName} on both firewalls" : $"default gateway the group {LabLayout.GatewayGroupName} again";
    }

    /// <summary>
    /// High Avail. Sync's Synchronize Interface set to LAN on both firewalls: pfsync (conntrackd here) syncs states over
    /// the LAN to the peer's LAN address. It still works, but no longer over a path of its own.
    /// </summary>
    private string SyncOnLan(bool inject)
    {
        foreach (LabFirewall fw in LabLayout.Firewalls)
        {
            SetFlag(fw, "pfsync-on-lan", inject);
        }
        foreach (LabFirewall fw in LabLayout.Firewalls.Where(fw => lab.Vm(fw).IsRunning))
        {
            lab.Vm(fw).Reconfigure();
        }
        return inject ? "pfsync on both firewalls moved to the LAN" : "pfsync back on the sync segment";
    }

    /// <summary>A segment's CARP VIP deleted on one firewall (Firewall > Virtual IPs), the peer keeping its own.</summary>
    private string VipMissing(LabFirewall fw, int net, bool inject)
    {
        LabSegment segment = LabLayout.SegmentByNet(net);
        if (segment.Vhid is not int vhid)
        {
            throw new LabException($"net{net} ({segment.Name}) has no CARP VIP");
        }
        SetFlag(fw, $"vip-removed-{vhid}", inject);
        if (lab.Vm(fw).IsRunning)
        {
            lab.Vm(fw).Reconfigure();
        }
        return $"{segment.Name}'s CARP VIP (vhid {vhid}) {(inject ? "removed from" : "back on")} {fw.Name}";
    }

    private void SetFlag(LabFirewall fw, string name, bool on)
    {
        string flag = Path.Combine(paths.PersistDir(fw), name);
        if (on)
        {
            File.WriteAllText(flag, "");
        }
        else
        {
            File.Delete(flag);
        }
    }

    /// <summary>The VLAN 20 NIC of the node's firewall is tagged 21 on that node only, so VLAN 20 adverts stop crossing.</summary>
    private string VlanAsymmetry(LabNode node, bool inject)
    {
        LabFirewall fw = LabLayout.Firewalls.Single(f => f.Node == node.Name);
        string tap = fw.Tap(LabLayout.Vlan20.Net);
        int tag = inject ? LabLayout.AsymmetricVlan : LabLayout.Vlan20.Vlan!.Value;
        LabSimulators.ReflectInPve(paths, stateDir => PveLabState.SetNicTag(stateDir, fw.VmId, LabLayout.Vlan20.Net, tag));
        Shell.Ip(node.Namespace, "link", "set", tap, "master", LabLayout.VlanBridge(LabLayout.Vlan20.Bridge, tag));
        return $"{node.Name} {tap} tag={tag} (the other node keeps tag={LabLayout.Vlan20.Vlan})";
    }
}
