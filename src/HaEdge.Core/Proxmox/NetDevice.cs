using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.Proxmox;

/// <summary>One <c>netN</c> NIC of a VM, parsed from its property string by <see cref="HaEdge.Core.Proxmox.NetDeviceParser"/>.</summary>
public sealed record NetDevice
{
    /// <summary>N of <c>netN</c>.</summary>
    public int Index { get; init; }

    /// <summary>The config key, <c>net0</c> ... <c>net31</c>.</summary>
    public string Key => "net" + Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>NIC model as PVE names it: virtio, e1000, e1000e, vmxnet3, rtl8139, ...</summary>
    public string? Model { get; init; }

    /// <summary>MAC address in upper case with colons, e.g. BC:24:11:2E:C5:4A.</summary>
    public string? MacAddress { get; init; }

    public string? Bridge { get; init; }

    /// <summary>Access VLAN (1-4094) the tap is tagged with; null when untagged.</summary>
    public int? Tag { get; init; }

    /// <summary>VLANs trunked into the guest (<c>trunks=</c>); empty when none.</summary>
    public IReadOnlyList<VlanRange> Trunks { get; init; } = Array.Empty<VlanRange>();

    /// <summary>The Proxmox firewall (and so MAC/IP filtering) applies to this NIC.</summary>
    public bool Firewall { get; init; }

    /// <summary>The virtual cable is pulled.</summary>
    public bool LinkDown { get; init; }

    /// <summary>MTU; 1 means "use the bridge MTU"; null when not set.</summary>
    public int? Mtu { get; init; }

    public int? Queues { get; init; }

    /// <summary>Rate limit in MB/s.</summary>
    public double? Rate { get; init; }

    /// <summary>Options this model does not name (host-tunnel, future keys), kept so a rewrite loses nothing.</summary>
    public IReadOnlyDictionary<string, string> OtherOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>The same NIC with the cable plugged (false) or pulled (true).</summary>
    internal NetDevice WithLinkDown(bool linkDown) => this with { LinkDown = linkDown };

    /// <summary>The property string PVE accepts for <c>netN</c>, e.g. <c>virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1</c>.</summary>
    internal string ToPropertyString()
    {
        var parts = new List<string>();
        if (Model != null) parts.Add(MacAddress != null ? Model + "=" + MacAddress : "model=" + Model);
        else if (MacAddress != null) parts.Add("macaddr=" + MacAddress);
        if (Bridge != null) parts.Add("bridge=" + Bridge);
        if (Tag.HasValue) parts.Add("tag=" + Tag.Value.ToString(CultureInfo.InvariantCulture));
        if (Trunks.Count > 0) parts.Add("trunks=" + string.Join(";", Trunks.Select(range => range.ToString())));
        if (Firewall) parts.Add("firewall=1");
        if (LinkDown) parts.Add("link_down=1");
        if (Mtu.HasValue) parts.Add("mtu=" + Mtu.Value.ToString(CultureInfo.InvariantCulture));
        if (Queues.HasValue) parts.Add("queues=" + Queues.Value.ToString(CultureInfo.InvariantCulture));
        if (Rate.HasValue) parts.Add("rate=" + Rate.Value.ToString("0.###", CultureInfo.InvariantCulture));
        parts.AddRange(OtherOptions.Select(option => option.Key + "=" + option.Value));
        return string.Join(",", parts);
    }

    public override string ToString() => Key + ": " + ToPropertyString();
}
