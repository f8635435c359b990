using System.Collections.Generic;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// GET /nodes/{node}/qemu/{vmid}/firewall/options. Absent keys take the pve-firewall schema defaults; a VM
/// without a .fw file answers with only a digest.
/// </summary>
public sealed record VmFirewallOptions
{
    /// <summary>The VM firewall is on (default off).</summary>
    public bool Enable { get; init; }

    /// <summary>
    /// Drop frames whose source MAC is not the NIC's. Default ON: it drops CARP's virtual MAC when
    /// <see cref="Enable"/> is set and the NIC has firewall=1.
    /// </summary>
    public bool MacFilter { get; init; } = true;

    /// <summary>Only the VM's own IPs may be used (default off).</summary>
    public bool IpFilter { get; init; }

    public bool Dhcp { get; init; }

    /// <summary>Neighbour discovery (default on).</summary>
    public bool Ndp { get; init; } = true;

    /// <summary>Router advertisements from the VM (default off).</summary>
    public bool Radv { get; init; }

    /// <summary>ACCEPT, REJECT or DROP; null when not set.</summary>
    public string? PolicyIn { get; init; }

    public string? PolicyOut { get; init; }

    public string? LogLevelIn { get; init; }

    public string? LogLevelOut { get; init; }

    public string? Digest { get; init; }

    /// <summary>The options as the VM's firewall options file names them, e.g. "enable=1 macfilter=1 ipfilter=0 policy_in=DROP".</summary>
    public override string ToString()
    {
        string Flag(string name, bool on) => name + "=" + (on ? "1" : "0");
        var parts = new List<string> { Flag("enable", Enable), Flag("macfilter", MacFilter), Flag("ipfilter", IpFilter), Flag("dhcp", Dhcp), Flag("ndp", Ndp), Flag("radv", Radv) };
        if (PolicyIn != null) parts.Add("policy_in=" + PolicyIn);
        if (PolicyOut != null) parts.Add("policy_out=" + PolicyOut);
        return string.Join(" ", parts);
    }
}
