namespace HaEdge.Lab;

/// <summary>
/// Which releases the lab plays: the pfSense CE version of both firewalls and the Proxmox VE major version of the
/// cluster. Each difference the lab acts out is written beside its upstream source in docs/design/contract.md and
/// docs/compatibility.md; `up --profile NAME` chooses one, the simulators take the same --profile.
/// </summary>
internal sealed record LabProfile(string Name, string PfSenseVersion, int PveMajor, string Description)
{
    public static readonly LabProfile Default = new("default", "2.7.2", 9, "pfSense CE 2.7.2 on Proxmox VE 9");

    public static readonly IReadOnlyList<LabProfile> All = new[]
    {
        Default,
        new LabProfile("pfsense-2.7.0", "2.7.0", 9, "pfSense CE 2.7.0 (no pfctl -sc) on Proxmox VE 9"),
        new LabProfile("pfsense-2.8", "2.8.0", 9, "pfSense CE 2.8.0 (Kea HA sync rewrite, no rc.local banner) on Proxmox VE 9"),
        new LabProfile("pve-8", "2.7.2", 8, "pfSense CE 2.7.2 on Proxmox VE 8 (HA groups, no HA rules)"),
    };

    /// <summary>/etc/version as pfSense writes it (src/etc/version of the release branch).</summary>
    public string VersionFile => PfSenseVersion + "-RELEASE";

    /// <summary>config.xml's &lt;version&gt;: globals.inc latest_config (22.9 on 2.7.0, 23.3 on 2.7.1/2.7.2, 23.9 on 2.8.0).</summary>
    public string ConfigVersion => PfSenseVersion switch
    {
        "2.7.0" => "22.9",
        "2.7.2" => "23.3",
        _ => "23.9",
    };

    /// <summary>pfctl shows creator ids (-sc) from FreeBSD main after stable/14; pfSense uses it from 2.7.1 (d00473a3fb).</summary>
    public bool HasPfctlCreatorIds => PfSenseVersion != "2.7.0";

    /// <summary>rc.initial prints ">>> Launching rc.local in background..." before an exec'd command on 2.7.x only (removed by ce83f38a8a).</summary>
    public bool RcLocalBanner => PfSenseVersion.StartsWith("2.7.", StringComparison.Ordinal);

    /// <summary>rc.filter_synchronize swaps the Kea HA fields and drops localname and tls on 2.8 (a4cd7de16d).</summary>
    public bool KeaHaSync => !PfSenseVersion.StartsWith("2.7.", StringComparison.Ordinal);

    /// <summary>
    /// /cluster/ha/rules exists from pve-ha-manager 5.0.2 (PVE 9; API2/HA/Rules.pm, 1bc1db5), and HA groups are refused
    /// once none are left (Config.pm have_groups_been_migrated). PVE 8 (pve-ha-manager 4.0.7, 53d8e48) has HA groups and
    /// no rules: pve-manager stable-8's HAConfig.pm registers none, so HTTPServer.pm answers 501. See Simulators/Pve/PveHa.cs.
    /// </summary>
    public bool HaRules => PveMajor >= 9;

    public static LabProfile Named(string? name) =>
        name is null ? Default
        : All.FirstOrDefault(p => p.Name == name)
          ?? throw new LabException($"no lab profile '{name}' (known: {string.Join(", ", All.Select(p => p.Name))})");

    /// <summary>The --profile value of a simulator's or verb's arguments, the default when absent.</summary>
    public static LabProfile FromArguments(IReadOnlyList<string> args)
    {
        int index = args.ToList().IndexOf("--profile");
        return Named(index >= 0 && index + 1 < args.Count ? args[index + 1] : null);
    }
}
