using System.Xml.Linq;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;
using HaEdge.Core.Tests.Carp;
using HaEdge.Core.Tests.Support;
using HaEdge.Core.Tests.Sync;

namespace HaEdge.Core.Tests.SyncService;

/// <summary>One firewall's XML-RPC endpoint over a config.xml it can be made to change, fail or answer as another version.</summary>
internal sealed class FakePfNode(XDocument config) : IPfXmlRpcClient
{
    /// <summary>What pfSense 2.7.0 answers to host_firmware_version (the real body, config_version 22.9).</summary>
    public static readonly PfFirmwareInfo Firmware270 = PfFirmwareInfo.FromXmlRpc(
        XmlRpcCodec.DecodeResponse(RealFixture.Body("pfsense-xmlrpc/slamdev-host_firmware_version-response-2.7.0.xml.txt")));

    public XDocument Config { get; } = config;

    public PfFirmwareInfo Firmware { get; set; } = Firmware270;

    /// <summary>When set, every call fails with it, as an unreachable or refusing endpoint does.</summary>
    public HaEdgeException? Failure { get; set; }

    public int Calls;

    public Task<PfFirmwareInfo> HostFirmwareVersionAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        if (Failure != null) throw Failure;
        return Task.FromResult(Firmware);
    }

    public Task<IReadOnlyDictionary<string, object?>> BackupConfigSectionAsync(IReadOnlyList<string> sections, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        if (Failure != null) throw Failure;
        lock (Config) return Task.FromResult(PfConfig.Load(Config, "fake").Sections(sections));
    }

    /// <summary>The element at a path of child names below the root, e.g. ("filter", "rule").</summary>
    public IEnumerable<XElement> At(params string[] path)
    {
        IEnumerable<XElement> nodes = new[] { Config.Root! };
        foreach (var name in path) nodes = nodes.Elements(name);
        return nodes.ToList();
    }
}

/// <summary>
/// A pfSense pair over the real 23.2 factory config: fw1 syncs rules, NAT and aliases to fw2 (sync addresses
/// 10.0.0.1/.2), SSH faked by <see cref="FakeFirewalls"/>, whose rc.filter_synchronize copies the ticked top-level
/// sections from fw1 to fw2 as pfSense's restore_config_section does and records it as pfSense does: lines in fw1's
/// /var/log/system.log and /var/run/filter_reload_status, which the fake shell's grep -c and tail -n +N read.
/// </summary>
internal sealed class FakeSyncPair
{
    public const string PrimarySync = "10.0.0.1";
    public const string SecondarySync = "10.0.0.2";

    public FakeSyncPair()
    {
        Primary = new FakePfNode(Config($"""
            <hasync>
              <pfsyncenabled>on</pfsyncenabled><pfsyncinterface>opt1</pfsyncinterface><pfsyncpeerip>{SecondarySync}</pfsyncpeerip>
              <synchronizetoip>{SecondarySync}</synchronizetoip><username>admin</username><password>hunter2-sync</password>
              <synchronizerules>on</synchronizerules><synchronizenat>on</synchronizenat><synchronizealiases>on</synchronizealiases>
            </hasync>
            """));
        Secondary = new FakePfNode(Config($"""
            <hasync>
              <pfsyncenabled>on</pfsyncenabled><pfsyncinterface>opt1</pfsyncinterface><pfsyncpeerip>{PrimarySync}</pfsyncpeerip>
              <synchronizetoip></synchronizetoip><username></username><password></password>
            </hasync>
            """));
        SyncResponder = Sync;
        Ssh.Answer("fw1", command => command == ConfigSyncService.SyncCommand ? SyncResponder() : ReadRecords(command));
        Ssh.Answer("fw2", _ => (127, "sh: not found"));
        Session = NewSession(PrimarySync, SecondarySync);
    }

    public FakePfNode Primary { get; }

    public FakePfNode Secondary { get; }

    public FakeFirewalls Ssh { get; } = new();

    public EdgeSession Session { get; }

    /// <summary>What the fake rc.filter_synchronize does; by default it syncs.</summary>
    public Func<(int Status, string Output)> SyncResponder { get; set; }

    /// <summary>fw1's /var/log/system.log and /var/run/filter_reload_status.</summary>
    public FakePfRecords Records { get; } = new();

    // The fake shell's reads of pfSense's records: grep -c '' FILE and tail -n +N FILE, as ConfigSyncService sends them.
    private (int Status, string Output) ReadRecords(string command)
    {
        var count = System.Text.RegularExpressions.Regex.Match(command, @"^grep -c '' (\S+) 2>/dev/null \|\| :$");
        var tail = System.Text.RegularExpressions.Regex.Match(command, @"^tail -n \+(\d+) (\S+) 2>/dev/null \|\| :$");
        List<string>? File(string path) => path == ConfigSyncService.SystemLog ? Records.SystemLog : path == ConfigSyncService.ReloadStatus ? Records.ReloadStatus : null;
        if (count.Success && File(count.Groups[1].Value) is { } counted)
            lock (counted) return (0, counted.Count + "\n");
        if (tail.Success && File(tail.Groups[2].Value) is { } lines)
            lock (lines) return (0, string.Concat(lines.Skip(int.Parse(tail.Groups[1].Value) - 1).Select(l => l + "\n")));
        return (127, "sh: not found");
    }

    public ConfigSyncService Service() => new(Session, new XmlRpcPair(Primary, Secondary)) { PollInterval = TimeSpan.FromMilliseconds(20) };

    /// <summary>The sync commands SSH ran, as (firewall, command).</summary>
    public IReadOnlyList<(string Firewall, string Command)> Execs => Ssh.Execs.ToList();

    /// <summary>
    /// Replaces the secondary's ticked sections with the primary's, as restore_config_section does, and records a
    /// completed sync as rc.filter_synchronize and xmlrpc_client.inc do.
    /// </summary>
    public (int Status, string Output) Sync()
    {
        Records.Status("Building high availability sync information");
        Records.VersionCheck(FakePfRecords.Url, "22.9", "22.9");
        Records.Status("Signaling CARP reload signal...");
        Records.LogError($"Beginning XMLRPC sync data to {FakePfRecords.Url}.");
        var sections = PfConfig.Load(Primary.Config).HaSync!.Sections;
        lock (Secondary.Config)
        {
            foreach (var name in SyncSections.TopLevelKeys(sections))
            {
                Secondary.Config.Root!.Element(name)?.Remove();
                if (Primary.Config.Root!.Element(name) is { } source) Secondary.Config.Root.Add(new XElement(source));
            }
        }
        Records.LogError($"XMLRPC reload data success with {FakePfRecords.Url} (pfsense.restore_config_section).");
        Records.Status($"XMLRPC sync successfully completed with {FakePfRecords.Url}.");
        return (0, "");
    }

    /// <summary>A rule description on one node, by tracker, e.g. to introduce drift.</summary>
    public static void SetRuleDescr(FakePfNode node, string tracker, string descr)
    {
        lock (node.Config) node.At("filter", "rule").Single(r => (string?)r.Element("tracker") == tracker).SetElementValue("descr", descr);
    }

    public static EdgeDefinition Definition(string? primarySync, string? secondarySync, XmlRpcDefinition? xmlRpc = null)
    {
        FirewallDefinition Firewall(string name, FirewallRole role, int vmId, string host, string? sync) =>
            new(name, role, vmId, role == FirewallRole.Primary ? "pve1" : "pve2", new SshDefinition(host, 22, "admin", null, null, null, null), xmlRpc, sync);
        return new EdgeDefinition("test", "/tmp/edge.json",
            new ProxmoxDefinition(new[] { new Uri("https://192.0.2.31:8006") }, "t@pve!t", null, new Dictionary<string, string>(), TimeSpan.FromSeconds(5)),
            new[] { Firewall("fw1", FirewallRole.Primary, 101, "192.0.2.2", primarySync), Firewall("fw2", FirewallRole.Secondary, 102, "192.0.2.3", secondarySync) },
            Array.Empty<SegmentDefinition>(), new ProbeDefinition(null, null, null, TimeSpan.FromSeconds(1)));
    }

    public EdgeSession NewSession(string? primarySync, string? secondarySync)
    {
        var definition = Definition(primarySync, secondarySync);
        var targets = definition.Firewalls.Select(f => new SshTarget(f.Name, f.Ssh.Host, 22, "admin") { ConnectTimeout = TimeSpan.FromSeconds(1) });
        return new EdgeSession(definition, () => throw new InvalidOperationException("no Proxmox in these tests"), new SshPool(() => Ssh), targets);
    }

    private static XDocument Config(string hasync)
    {
        var document = XDocument.Parse(SyncFixtures.Xml(SyncFixtures.Default232));
        document.Root!.Add(XElement.Parse(hasync));
        return document;
    }
}

/// <summary>Records what the service narrates.</summary>
internal sealed class RecordingReporter : IOperationReporter
{
    public List<string> Lines { get; } = new();

    public void Verbose(string message) { lock (Lines) Lines.Add("verbose: " + message); }

    public void Warning(string message) { lock (Lines) Lines.Add("warning: " + message); }

    public void Progress(string activity, string status, int percent) { lock (Lines) Lines.Add($"progress: {activity}: {status}"); }

    public void Completed(string activity) { lock (Lines) Lines.Add("completed: " + activity); }
}

/// <summary>
/// A pfSense primary's records of its config syncs, written as the upstream code writes them (pfsense/pfsense
/// RELENG_2_7_2; the texts are the same in 2.7.0 and 2.8): log_error() appends "&lt;script&gt;: &lt;message&gt;" to
/// /var/log/system.log (util.inc), update_filter_reload_status() appends to /var/run/filter_reload_status,
/// file_notice() logs "New alert found: ..." (notices.inc), and xmlrpc_client.inc makes four attempts per call.
/// No captured log of these paths was available; see tests/fixtures/real/pfsense-xmlrpc/FORMAT-from-source.md.
/// </summary>
internal sealed class FakePfRecords
{
    /// <summary>The sync target's XML-RPC URL as xmlrpc_client.inc logs it (logurl, no credentials).</summary>
    public const string Url = "https://10.0.0.2:443/xmlrpc.php";

    public const string Undetermined =
        "The pfSense software configuration version of the other member could not be determined. Skipping synchronization to avoid causing a problem!";

    /// <summary>/var/log/system.log, with a line the sync did not write.</summary>
    public List<string> SystemLog { get; } = new() { Syslog("php-fpm[404]: /index.php: Successful login for user 'admin' from: 192.0.2.10 (Local Database)") };

    /// <summary>/var/run/filter_reload_status as the last filter reload left it.</summary>
    public List<string> ReloadStatus { get; } = new() { "Initializing", "Done" };

    /// <summary>A line as syslogd writes it into system.log (BSD format, the day padded to two).</summary>
    public static string Syslog(string programAndMessage) => "Dec  3 14:22:11 fw1 " + programAndMessage;

    /// <summary>A log_error() line of rc.filter_synchronize run from the shell.</summary>
    public void LogError(string message)
    {
        lock (SystemLog) SystemLog.Add(Syslog("php[4242]: /etc/rc.filter_synchronize: " + message));
    }

    /// <summary>An update_filter_reload_status() line.</summary>
    public void Status(string message)
    {
        lock (ReloadStatus) ReloadStatus.Add(message);
    }

    /// <summary>A host_firmware_version call that answered, and carp_check_version's log of both versions.</summary>
    public void VersionCheck(string url, string peer, string own)
    {
        LogError($"Beginning XMLRPC sync data to {url}.");
        LogError($"XMLRPC reload data success with {url} (pfsense.host_firmware_version).");
        LogError($"XMLRPC versioncheck: {peer} -- {own}");
    }

    /// <summary>
    /// xmlrpc_client.inc's four attempts failing with <paramref name="error"/>: a fault is logged and noticed on each
    /// attempt; every error is logged as a retry on attempts 1-3 and logged and noticed after the 4th.
    /// </summary>
    public void FailedAttempts(string url, string error, bool fault)
    {
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            LogError($"Beginning XMLRPC sync data to {url}.");
            if (fault)
            {
                LogError(error);
                LogError("New alert found: " + error);
            }
            LogError(attempt < 4 ? "Retrying XMLRPC Request due to error: " + error : error);
        }
        LogError("New alert found: " + error);
    }

    /// <summary>carp_check_version() after a host_firmware_version call that returned nothing.</summary>
    public void PeerVersionUnknown(string own)
    {
        LogError($"XMLRPC versioncheck:  -- {own}");
        Status(Undetermined);
        LogError(Undetermined);
    }
}
