namespace HaEdge.Lab;

/// <summary>Where the running lab keeps its files. Everything lives under one state directory that `down` removes.</summary>
internal sealed class LabPaths
{
    public LabPaths(string stateDir)
    {
        StateDir = Path.GetFullPath(stateDir);
    }

    public string StateDir { get; }
    public string LabFile => Path.Combine(StateDir, "lab.json");
    public string EdgeDefinition => Path.Combine(StateDir, "edge.json");
    public string EnvFile => Path.Combine(StateDir, "lab.env");
    /// <summary>The pfSense command shims (not "bin": that name is ignored by git).</summary>
    public string ShimPfSense => Path.Combine(StateDir, "shims", "pfsense");
    /// <summary>The PVE node command shims (ha-manager).</summary>
    public string ShimPve => Path.Combine(StateDir, "shims", "pve");
    public string ShimLab => Path.Combine(StateDir, "shims", "lab");
    public string Keys => Path.Combine(StateDir, "keys");
    public string ClientKey => Path.Combine(Keys, "id_ed25519");
    public string AuthorizedKeys => Path.Combine(Keys, "authorized_keys");
    public string KnownHosts => Path.Combine(Keys, "known_hosts");
    public string Faults => Path.Combine(StateDir, "faults");
    public string Logs => Path.Combine(StateDir, "logs");
    public string PveDir => Path.Combine(StateDir, "pve");

    public string FirewallDir(LabFirewall firewall) => Path.Combine(StateDir, firewall.Name);
    public string FirewallFile(LabFirewall firewall, string name) => Path.Combine(FirewallDir(firewall), name);
    public string PersistDir(LabFirewall firewall) => Path.Combine(FirewallDir(firewall), "persist");
    public string MaintenanceFlag(LabFirewall firewall) => Path.Combine(PersistDir(firewall), "maintenance");
    /// <summary>A file of the firewall's pfSense filesystem (etc/version, var/log/system.log), under its lab dir's root/.</summary>
    public string FirewallRootFile(LabFirewall firewall, string path) => Path.Combine(FirewallDir(firewall), "root", path);
    public string HostKey(LabFirewall firewall) => Path.Combine(FirewallDir(firewall), "ssh", "ssh_host_ed25519_key");

    /// <summary>A PVE node's own files: its sshd's config, passwd and host key.</summary>
    public string NodeFile(LabNode node, string name) => Path.Combine(StateDir, node.Name, name);
    public string NodeHostKey(LabNode node) => Path.Combine(StateDir, node.Name, "ssh", "ssh_host_ed25519_key");
    /// <summary>The PVE nodes' SSH for the edge definition, kept apart until the module's reader knows the key.</summary>
    public string PveSshFile => Path.Combine(StateDir, "pve-ssh.json");
    public string Log(string name) => Path.Combine(Logs, name + ".log");
}
