namespace HaEdge.Core.Model.Proxmox
{
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
    }
}
