using System.Globalization;
using System.Text;

namespace HaEdge.Lab.Topology;

/// <summary>
/// One firewall "VM": its configuration files (written from the layout and its persistent settings) and its
/// processes inside its namespace. Stop is a hard power-off; start boots from the persisted config, so
/// maintenance mode survives a restart as pfSense's does.
/// </summary>
internal sealed class FirewallVm
{
    private readonly LabFirewall fw;
    private readonly LabPaths paths;
    private readonly LabFirewall peer;
    private readonly IReadOnlyList<string> launcher;
    private readonly LabProfile profile;

    public FirewallVm(LabFirewall firewall, LabPaths paths, IReadOnlyList<string> launcher, LabProfile profile)
    {
        fw = firewall;
        this.paths = paths;
        peer = LabLayout.Peer(firewall);
        this.launcher = launcher;
        this.profile = profile;
    }

    private string Dir => paths.FirewallDir(fw);
    private string File(string name) => paths.FirewallFile(fw, name);
    private LabNode Node => LabLayout.Node(fw.Node);

    public bool InMaintenance => System.IO.File.Exists(paths.MaintenanceFlag(fw));

    /// <summary>The segment pfsync (here conntrackd) syncs states over: the sync segment, or the LAN under the sync-on-lan fault.</summary>
    private LabSegment StateSyncSegment => System.IO.File.Exists(Path.Combine(paths.PersistDir(fw), "pfsync-on-lan")) ? LabLayout.Lan : LabLayout.Sync;

    /// <summary>The CARP VIPs this firewall has: every carp segment's, less one removed by the vip-missing fault.</summary>
    private IEnumerable<LabSegment> CarpSegments =>
        LabLayout.CarpSegments.Where(s => !System.IO.File.Exists(Path.Combine(paths.PersistDir(fw), $"vip-removed-{s.Vhid}")));

    /// <summary>
    /// Applies a changed persisted setting to the running firewall, as pfSense applies a saved change: the config files
    /// rewritten, the CARP daemon reloaded (a VIP removed goes), the state sync restarted on its segment.
    /// </summary>
    public void Reconfigure()
    {
        WriteConfig();
        Shell.CheckInNamespace(fw.Namespace, "sh", "-c",
            $"kill -HUP $(cat {Shell.Quote(File("keepalived.pid"))}); conntrackd -C {Shell.Quote(File("conntrackd.conf"))} -k >/dev/null 2>&1; true");
        Shell.WaitUntil(() => !System.IO.File.Exists(File("conntrackd.lock")), TimeSpan.FromSeconds(5), 20);
        System.IO.File.Delete(File("conntrackd.lock"));
        System.IO.File.Delete(File("conntrackd.ctl"));
        Shell.StartDaemons(fw.Namespace, new[] { (paths.Log($"{fw.Name}-conntrackd"), new[] { "conntrackd", "-C", File("conntrackd.conf") }) });
    }

    /// <summary>The advskew every VIP is configured with: 254 in persistent maintenance mode, as pfSense sets it.</summary>
    public int ConfiguredAdvSkew => InMaintenance ? 254 : fw.AdvSkew;

    public bool IsRunning => System.IO.File.Exists(File("running")) && Shell.NamespacePids(fw.Namespace).Count > 0;

    /// <summary>First boot: NICs on the node bridges, addresses, kernel settings, host key. Done once at `up`.</summary>
    public void Provision()
    {
        string ns = fw.Namespace;
        Shell.IpBatch(Node.Namespace, LabLayout.Segments.SelectMany(segment => new[]
        {
            $"link add {fw.Tap(segment.Net)} type veth peer name {segment.Interface} netns {ns}",
            $"link set {fw.Tap(segment.Net)} master {LabLayout.NodeBridge(segment)}",
        }));
        Shell.IpBatch(ns, new[] { "link set lo up" }.Concat(LabLayout.Segments.SelectMany(segment => new[]
        {
            $"link set {segment.Interface} address {fw.Mac(segment.Net)}",
            $"addr add {fw.Address(segment)}/{segment.PrefixLength} dev {segment.Interface}",
        })));
        string sysctls = string.Join(" ", new[]
        {
            "net.ipv4.ip_forward=1",
            // pf creates state only on a SYN: without this Linux adopts a mid-stream session and it would
            // "survive" a failover even without state sync.
            "net.netfilter.nf_conntrack_tcp_loose=0",
            // The VIP lives on the VRRP macvlan: only that interface may answer ARP for it, with the virtual MAC.
            "net.ipv4.conf.all.arp_ignore=1",
            "net.ipv4.conf.all.arp_announce=2",
            "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf.default.rp_filter=0",
        });
        Shell.CheckInNamespace(ns, "sh", "-c", $"sysctl -q -w {sysctls} && iptables-restore {Shell.Quote(File("iptables.rules"))}");
        LabSshd.EnsureHostKey(paths.HostKey(fw), $"root@{fw.Name}.lab");
    }

    /// <summary>Writes every config file of the firewall from the layout and its persisted settings.</summary>
    /// <param name="labBoot">True only while `up` builds the lab: the primary may then claim MASTER at once.</param>
    public void WriteConfig(bool labBoot = false)
    {
        Directory.CreateDirectory(paths.PersistDir(fw));
        Directory.CreateDirectory(File("vrrp"));
        Directory.CreateDirectory(File("gw"));
        Shell.WriteFile(File("fw.env"), FirewallEnvironment());
        // The files of pfSense's own filesystem the module reads, under root/ (the shell maps /etc/version there).
        Shell.WriteFile(paths.FirewallRootFile(fw, "etc/version"), profile.VersionFile + "\n");
        // An /etc/rc.local, as many pfSense installs have one (packages and guides add it): on CE 2.7.x admin's shell
        // (rc.initial) announces it before every exec'd command; 2.8 runs it at boot instead.
        string rcLocal = paths.FirewallRootFile(fw, "etc/rc.local");
        if (profile.RcLocalBanner)
        {
            Shell.WriteFile(rcLocal, "#!/bin/sh\n# HaEdge lab: rc.initial starts this at every admin login on CE 2.7.x; it does nothing.\n");
        }
        else
        {
            System.IO.File.Delete(rcLocal);
        }
        Shell.WriteFile(File("carp.conf"), CarpTable());
        Shell.WriteFile(File("keepalived.conf"), KeepalivedConfig(labBoot));
        Shell.WriteFile(File("conntrackd.conf"), ConntrackdConfig());
        Shell.WriteFile(File("iptables.rules"), IptablesRules());
        // pfSense runs `ssh host cmd` with the user's shell: /bin/sh for root, /etc/rc.initial for admin (uid 0),
        // whose `-c` runs the command with /bin/sh after its rc.local banner on 2.7.x. Here root's shell is bash with
        // its home in the firewall's directory, admin's the rc.initial shim with the same home, and shell-rc loads
        // ifconfig, sysctl, pfctl and php as functions, so a status read costs one process start as on pfSense, not
        // one per command. Debian's bash started by sshd (SSH_CLIENT set) reads ~/.bashrc, other builds and scripts such as
        // rc.initial BASH_ENV; a login reads ~/.profile. The shims find this firewall through HAEDGE_LAB_FWDIR.
        string shellRc = Path.Combine(paths.ShimLab, "shell-rc");
        Shell.WriteFile(File("sshd_config"), LabSshd.Config(fw.Name, $"{fw.Address(LabLayout.Lan)}:22", paths.HostKey(fw),
            File("sshd.pid"), paths.AuthorizedKeys, paths.ShimPfSense, new[] { ("HAEDGE_LAB_FWDIR", Dir), ("BASH_ENV", shellRc) },
            LabSshd.PfSenseAlgorithms));
        Shell.WriteFile(File(".bashrc"), $". {shellRc}\n");
        Shell.WriteFile(File(".profile"), LabSshd.InteractiveRc(paths.ShimPfSense) + $". {shellRc}\n");
        Shell.WriteFile(File("passwd"), LabSshd.PasswdWithRoot("/bin/bash", Dir, admin: Path.Combine(paths.ShimPfSense, "rc.initial")));
    }

    /// <summary>Boot: links up, routes back, then the daemons from the persisted config.</summary>
    /// <param name="labBoot">True only while `up` builds the lab (see <see cref="WriteConfig"/>).</param>
    public void Start(bool labBoot = false)
    {
        WriteConfig(labBoot);
        // Boot-time routes: fibre first (tier 1); the gateway monitor moves it when the fibre dies. The
        // monitor targets get host routes through their own gateway, as pfSense adds for dpinger.
        LabSegment fibre = LabLayout.WanFibre, starlink = LabLayout.WanStarlink;
        Shell.IpBatch(fw.Namespace, LabLayout.Segments.Select(segment => $"link set {segment.Interface} up").Concat(new[]
        {
            $"route replace default via {fibre.Gateway} dev {fibre.Interface} onlink",
            $"route replace {LabLayout.FibreMonitorTarget} via {fibre.Gateway} dev {fibre.Interface} onlink",
            $"route replace {LabLayout.StarlinkMonitorTarget} via {starlink.Gateway} dev {starlink.Interface} onlink",
        }));
        Shell.IpBatch(Node.Namespace, LabLayout.Segments.Select(segment => $"link set {fw.Tap(segment.Net)} up"));
        foreach (string stale in Directory.GetFiles(File("vrrp")).Concat(Directory.GetFiles(File("gw"))))
        {
            System.IO.File.Delete(stale);
        }
        System.IO.File.WriteAllText(File("booted"), DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(paths.Logs);
        // Killed daemons leave lock, socket and pid files behind: conntrackd would refuse to start, and keepalived
        // would take a reused pid for itself ("daemon is already running").
        foreach (string stale in new[] { "conntrackd.lock", "conntrackd.ctl", "keepalived.pid", "keepalived-vrrp.pid", "sshd.pid" })
        {
            System.IO.File.Delete(File(stale));
        }
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation directory
        var daemons = new List<(string, string[])>
        {
            (paths.Log($"{fw.Name}-conntrackd"), new[] { "conntrackd", "-C", File("conntrackd.conf") }),
            (paths.Log($"{fw.Name}-keepalived"), new[]
            {
                "keepalived", "--vrrp", "--dont-fork", "--log-console", "--log-detail", "--use-file", File("keepalived.conf"),
                "--pid", File("keepalived.pid"), "--vrrp_pid", File("keepalived-vrrp.pid"),
            }),
            // sshd sees the firewall's own passwd (root's shell and home) through a private bind mount.
            (paths.Log($"{fw.Name}-sshd"), LabSshd.Command(File("passwd"), File("sshd_config"))),
            (paths.Log($"{fw.Name}-gwmon"), new[] { Path.Combine(paths.ShimLab, "gwmon"), Dir }),
            // Listens on every address of the firewall: the module comes over the LAN, the peer's config sync over SYNC.
            (paths.Log($"{fw.Name}-xmlrpc"), launcher.Concat(new[]
            {
                "serve-xmlrpc", "--firewall", fw.Name, "--listen", $"0.0.0.0:{LabSimulators.XmlRpcPort}", "--state-dir", paths.StateDir,
                "--profile", profile.Name,
            }).ToArray()),
        };
        Shell.StartDaemons(fw.Namespace, daemons);
        System.IO.File.WriteAllText(File("running"), "");
    }

    /// <summary>Hard power-off: every link goes down and every process dies at once; the kernel's volatile state is lost.</summary>
    public void Stop()
    {
        System.IO.File.Delete(File("running"));
        // Links first: a real power-off stops forwarding at once, while killed processes would leave the
        // kernel forwarding on the VIPs until the links went.
        Shell.IpBatch(Node.Namespace, LabLayout.Segments.Select(segment => $"link set {fw.Tap(segment.Net)} down"));
        System.IO.File.WriteAllText(File("stopped-at"), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Shell.Kill(Shell.NamespacePids(fw.Namespace));
        Shell.WaitUntil(() => Shell.NamespacePids(fw.Namespace).Count == 0, TimeSpan.FromSeconds(3), 20);
        // A killed keepalived leaves its macvlans and VIPs behind; a powered-off VM keeps nothing.
        string[] macvlans = Shell.Run("ip", "-n", fw.Namespace, "-o", "link", "show").Output.Split('\n')
            .Select(line => line.Split(':', 3)).Where(f => f.Length == 3).Select(f => f[1].Trim().Split('@')[0])
            .Where(name => LabLayout.CarpSegments.Any(s => s.VipInterface == name)).ToArray();
        Shell.IpBatch(fw.Namespace, LabLayout.Segments.Select(segment => $"link set {segment.Interface} down")
            .Concat(macvlans.Select(name => $"link del {name}"))
            .Append("neigh flush all"));
        Shell.InNamespace(fw.Namespace, "conntrack", "-F");
        foreach (string stale in Directory.GetFiles(File("vrrp")))
        {
            System.IO.File.Delete(stale);
        }
    }

    /// <summary>Proxmox link_down on netN: the tap's carrier goes, so the guest sees its NIC lose link.</summary>
    public void SetLink(int net, bool up)
    {
        LabSegment segment = LabLayout.SegmentByNet(net);
        Shell.Ip(Node.Namespace, "link", "set", fw.Tap(segment.Net), up ? "up" : "down");
    }

    /// <summary>Lines "vhid interface vip prefix" the shims read.</summary>
    private string CarpTable() =>
        string.Concat(CarpSegments.Select(s => $"{s.Vhid} {s.Interface} {s.Vip} {s.PrefixLength} {s.VipInterface}\n"));

    private string FirewallEnvironment()
    {
        var env = new StringBuilder();
        void Set(string name, string value) => env.Append(name).Append('=').Append(Shell.Quote(value)).Append('\n');
        Set("FW", fw.Name);
        Set("FWDIR", Dir);
        Set("LAB_STATE", paths.StateDir);
        Set("LAB_CMD", string.Join(" ", launcher.Select(Shell.Quote)));
        Set("LAB_PROFILE", profile.Name);
        Set("PFSENSE_VERSION", profile.PfSenseVersion);
        Set("BASE_ADVSKEW", fw.AdvSkew.ToString(CultureInfo.InvariantCulture));
        Set("HOSTID", fw.HostId);
        Set("PEER_HOSTID", peer.HostId);
        Set("SYNC_IF", StateSyncSegment.Interface);
        Set("SYNC_PEER", peer.Address(StateSyncSegment));
        Set("FIBRE_IF", LabLayout.WanFibre.Interface);
        Set("FIBRE_GW", LabLayout.WanFibre.Gateway!);
        Set("FIBRE_SRC", fw.Address(LabLayout.WanFibre));
        Set("FIBRE_MONITOR", LabLayout.FibreMonitorTarget);
        Set("FIBRE_NAME", LabLayout.FibreGatewayName);
        Set("STARLINK_IF", LabLayout.WanStarlink.Interface);
        Set("STARLINK_GW", LabLayout.WanStarlink.Gateway!);
        Set("STARLINK_SRC", fw.Address(LabLayout.WanStarlink));
        Set("STARLINK_MONITOR", LabLayout.StarlinkMonitorTarget);
        Set("STARLINK_NAME", LabLayout.StarlinkGatewayName);
        Set("GATEWAY_GROUP", LabLayout.GatewayGroupName);
        Set("WAN_VIP_UNIQID", "_vip" + LabLayout.WanFibre.Vhid!.Value.ToString("x", CultureInfo.InvariantCulture).PadLeft(13, '0'));
        Set("CONNTRACKD_CONF", File("conntrackd.conf"));
        Set("INTERFACE_DESCRIPTIONS", string.Join(" ", LabLayout.Segments.Select(s => $"{s.Interface}={s.Description}")));
        // The addresses Provision gives each interface, for the ifconfig shim (the lab never changes them).
        Set("INTERFACE_ADDRESSES", string.Join(" ", LabLayout.Segments.Select(s => $"{s.Interface}={fw.Address(s)}/{s.PrefixLength}")));
        return env.ToString();
    }

    private string KeepalivedConfig(bool labBoot)
    {
        int priority = LabLayout.VrrpPriority(ConfiguredAdvSkew);
        // At lab boot the primary claims MASTER at once. A firewall started later boots as BACKUP, pulls the
        // peer's states (the notify hook's conntrackd -n) and only then preempts, after the master-down
        // interval, as pfSense holds CARP demoted until its pfsync bulk update is done.
        string initialState = labBoot && fw.Role == "primary" && !InMaintenance ? "MASTER" : "BACKUP";
        var conf = new StringBuilder();
        conf.Append($$"""
            # {{fw.Name}}: one VRRP instance per CARP VIP, advbase 1, priority = 250 - min(advskew, 240).
            global_defs {
                router_id {{fw.Name}}
                script_user root
                enable_script_security
                vrrp_garp_master_delay 1
                vrrp_garp_master_repeat 3
            }

            """);
        foreach (LabSegment segment in CarpSegments)
        {
            // pfSense demotes every vhid by 240 when any CARP interface loses link, so all VIPs move together.
            string tracked = string.Concat(CarpSegments.Where(s => s != segment)
                .Select(s => $"        {s.Interface} weight -240\n"));
            conf.Append($$"""
                vrrp_instance VHID{{segment.Vhid}} {
                    state {{initialState}}
                    interface {{segment.Interface}}
                    use_vmac {{segment.VipInterface}}
                    virtual_router_id {{segment.Vhid}}
                    priority {{priority}}
                    advert_int 1
                    virtual_ipaddress {
                        {{segment.Vip}}/32
                    }
                    track_interface {
                {{tracked}}    }
                    notify "{{Path.Combine(paths.ShimLab, "vrrp-notify")}} {{Dir}}"
                }

                """);
        }
        return conf.ToString();
    }

    private string ConntrackdConfig()
    {
        string ignored = string.Concat(LabLayout.Segments.Select(s => $"            IPv4_address {fw.Address(s)}\n"));
        return $$"""
            # {{fw.Name}}: FTFW state sync over the dedicated sync link. Own lock file and socket per namespace.
            Sync {
                Mode FTFW {
                    DisableExternalCache Off
                    CommitTimeout 1800
                    PurgeTimeout 5
                }
                UDP {
                    IPv4_address {{fw.Address(StateSyncSegment)}}
                    IPv4_Destination_Address {{peer.Address(StateSyncSegment)}}
                    Port {{LabLayout.ConntrackdPort}}
                    Interface {{StateSyncSegment.Interface}}
                    SndSocketBuffer 1249280
                    RcvSocketBuffer 1249280
                    Checksum on
                }
            }
            General {
                Systemd off
                HashSize 8192
                HashLimit 65536
                LogFile {{File("conntrackd.log")}}
                Syslog off
                LockFile {{File("conntrackd.lock")}}
                UNIX {
                    Path {{File("conntrackd.ctl")}}
                }
                NetlinkBufferSize 2097152
                NetlinkBufferSizeMaxGrowth 8388608
                Filter From Userspace {
                    Protocol Accept {
                        TCP
                        UDP
                        ICMP
                    }
                    Address Ignore {
                        IPv4_address 127.0.0.1
            {{ignored}}        }
                }
            }

            """;
    }

    /// <summary>
    /// As strict as pf: forwarding only for the inside networks, state only from a SYN (tcp_loose=0) and INVALID
    /// dropped, also towards the firewall itself (a stateless packet to the VIP must vanish as in pf, not draw a
    /// reset from the local stack); outbound NAT to the WAN CARP VIP (pfSense HA guidance) and to the Starlink address.
    /// </summary>
    private static string IptablesRules()
    {
        string lan = $"{LabLayout.Lan.Network}/{LabLayout.Lan.PrefixLength}";
        string vlan = $"{LabLayout.Vlan20.Network}/{LabLayout.Vlan20.PrefixLength}";
        return $"""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            -A INPUT -m conntrack --ctstate INVALID -j DROP
            -A FORWARD -m conntrack --ctstate INVALID -j DROP
            -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
            -A FORWARD -s {lan} -m conntrack --ctstate NEW -j ACCEPT
            -A FORWARD -s {vlan} -m conntrack --ctstate NEW -j ACCEPT
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            -A POSTROUTING -s {lan} -o {LabLayout.WanFibre.Interface} -j SNAT --to-source {LabLayout.WanFibre.Vip}
            -A POSTROUTING -s {vlan} -o {LabLayout.WanFibre.Interface} -j SNAT --to-source {LabLayout.WanFibre.Vip}
            -A POSTROUTING -s {lan} -o {LabLayout.WanStarlink.Interface} -j MASQUERADE
            -A POSTROUTING -s {vlan} -o {LabLayout.WanStarlink.Interface} -j MASQUERADE
            COMMIT

            """;
    }
}
