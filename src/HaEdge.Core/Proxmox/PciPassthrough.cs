using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.Proxmox;

/// <summary>One <c>hostpciN</c> device passed through to a VM. Passthrough ties the VM to its node.</summary>
public sealed record PciPassthrough
{
    public int Index { get; init; }

    /// <summary>The config key, <c>hostpci0</c> ... <c>hostpci15</c>.</summary>
    public string Key => "hostpci" + Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Host PCI ids as written (<c>0000:01:00.0</c>, <c>f0:43</c> for all functions); empty for a mapping.</summary>
    public IReadOnlyList<string> HostIds { get; init; } = Array.Empty<string>();

    /// <summary>Cluster resource mapping name (<c>mapping=someNic</c>), or null.</summary>
    public string? Mapping { get; init; }

    public bool IsMapping => Mapping != null;

    /// <summary>Attached as PCI Express (q35 only); PVE default off.</summary>
    public bool Pcie { get; init; }

    /// <summary>The device ROM is visible to the guest; PVE default on.</summary>
    public bool RomBar { get; init; } = true;

    /// <summary>Primary GPU (<c>x-vga=1</c>); PVE default off.</summary>
    public bool XVga { get; init; }

    public bool LegacyIgd { get; init; }

    public string? RomFile { get; init; }

    /// <summary>Mediated device type (<c>mdev=</c>), or null.</summary>
    public string? Mdev { get; init; }

    /// <summary>Options this model does not name (driver, vendor-id, device-id, ...).</summary>
    public IReadOnlyDictionary<string, string> OtherOptions { get; init; } = new Dictionary<string, string>();

    internal string ToPropertyString()
    {
        var parts = new List<string>();
        if (Mapping != null) parts.Add("mapping=" + Mapping);
        if (HostIds.Count > 0) parts.Add("host=" + string.Join(";", HostIds));
        if (Pcie) parts.Add("pcie=1");
        if (!RomBar) parts.Add("rombar=0");
        if (XVga) parts.Add("x-vga=1");
        if (LegacyIgd) parts.Add("legacy-igd=1");
        if (RomFile != null) parts.Add("romfile=" + RomFile);
        if (Mdev != null) parts.Add("mdev=" + Mdev);
        parts.AddRange(OtherOptions.Select(option => option.Key + "=" + option.Value));
        return string.Join(",", parts);
    }

    public override string ToString() => Key + ": " + ToPropertyString();
}
