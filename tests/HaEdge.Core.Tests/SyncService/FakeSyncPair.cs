using System.Xml.Linq;
using HaEdge.Core.Definition;
using HaEdge.Core.Model.Sync;
using HaEdge.Core.PfSense.Config;
using HaEdge.Core.PfSense.Sync;
using HaEdge.Core.PfSense.XmlRpc;
using HaEdge.Core.Session;
using HaEdge.Core.Tests.Carp;
using HaEdge.Core.Tests.Support;
using HaEdge.Core.Tests.Sync;
using HaEdge.Core.Transport;

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
/// sections from fw1 to fw2 as pfSense's restore_config_section does.
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
        Ssh.Answer("fw1", command => command == ConfigSyncService.SyncCommand ? SyncResponder() : (127, "sh: not found"));
        Ssh.Answer("fw2", _ => (127, "sh: not found"));
        Session = NewSession(PrimarySync, SecondarySync);
    }

    public FakePfNode Primary { get; }

    public FakePfNode Secondary { get; }

    public FakeFirewalls Ssh { get; } = new();

    public EdgeSession Session { get; }

    /// <summary>What the fake rc.filter_synchronize does; by default it syncs.</summary>
    public Func<(int Status, string Output)> SyncResponder { get; set; }

    public ConfigSyncService Service() => new(Session, new XmlRpcPair(Primary, Secondary)) { PollInterval = TimeSpan.FromMilliseconds(20) };

    /// <summary>The sync commands SSH ran, as (firewall, command).</summary>
    public IReadOnlyList<(string Firewall, string Command)> Execs => Ssh.Execs.ToList();

    /// <summary>Replaces the secondary's ticked sections with the primary's, as restore_config_section does.</summary>
    public (int Status, string Output) Sync()
    {
        var sections = PfConfig.Load(Primary.Config).HaSync!.Sections;
        lock (Secondary.Config)
        {
            foreach (var name in SyncSections.TopLevelKeys(sections))
            {
                Secondary.Config.Root!.Element(name)?.Remove();
                if (Primary.Config.Root!.Element(name) is { } source) Secondary.Config.Root.Add(new XElement(source));
            }
        }
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
            new ProxmoxDefinition(new[] { new Uri("https://192.0.2.31:8006") }, "t@pve!t", null, Array.Empty<string>(), TimeSpan.FromSeconds(5)),
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
