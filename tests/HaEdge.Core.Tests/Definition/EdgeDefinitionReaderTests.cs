using HaEdge.Core.Definition;
using Xunit;

namespace HaEdge.Core.Tests.Definition;

public class EdgeDefinitionReaderTests
{
    private const string Path = "/defs/edge.json";

    internal const string Valid = """
        {
          // the lab edge
          "name": "lab",
          "proxmox": {
            "endpoints": ["https://192.0.2.31:8006", "https://192.0.2.32:8006"],
            "tokenId": "haedge@pve!edge",
            "tokenSecretVariable": "HAEDGE_PVE_TOKEN",
            "certificateSha256": ["ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89", "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef"],
          },
          "firewalls": [
            { "name": "fw2", "role": "secondary", "vmId": 102, "node": "pve2",
              "ssh": { "host": "192.0.2.3", "user": "admin", "hostKeySha256": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "keyFile": "keys/id" } },
            { "name": "fw1", "role": "primary", "vmId": 101, "node": "pve1",
              "ssh": { "host": "192.0.2.2", "port": 2222, "user": "admin", "keyFile": "~/k" },
              "xmlrpc": { "url": "https://192.0.2.2/xmlrpc.php", "user": "hasync", "passwordVariable": "HAEDGE_XMLRPC" },
              "syncAddress": "198.51.100.129" }
          ],
          "segments": [
            { "name": "LAN", "kind": "lan", "net": 1, "bridge": "vmbr1", "carp": true },
            { "name": "VLAN20", "kind": "vlan", "net": 2, "bridge": "vmbr1", "vlan": 20, "carp": true }
          ],
          "probes": { "ping": "203.0.113.10", "tcpEcho": "203.0.113.10:7", "intervalMs": 100 }
        }
        """;

    [Fact]
    public void ReadsEveryKeyOfAValidFile()
    {
        EdgeDefinition edge = EdgeDefinitionReader.Parse(Valid, Path);

        Assert.Equal("lab", edge.Name);
        Assert.Equal(2, edge.Proxmox.Endpoints.Count);
        Assert.Equal("haedge@pve!edge", edge.Proxmox.TokenId);
        Assert.Equal(TimeSpan.FromSeconds(10), edge.Proxmox.Timeout);
        Assert.StartsWith("AB:CD:EF:01", edge.Proxmox.CertificatePins["192.0.2.31:8006"]);
        Assert.StartsWith("01:23:45:67", edge.Proxmox.CertificatePins["192.0.2.32:8006"]);
        Assert.Equal("fw1", edge.Primary.Name);
        Assert.Equal(FirewallRole.Secondary, edge.Secondary.Role);
        Assert.Equal(2222, edge.Primary.Ssh.Port);
        Assert.Equal(22, edge.Secondary.Ssh.Port);
        Assert.Equal("/defs/keys/id", edge.Secondary.Ssh.KeyFile);
        Assert.Null(edge.Primary.Ssh.HostKeySha256);
        Assert.Equal("hasync", edge.Primary.XmlRpc!.User);
        Assert.Same(edge.Secondary, edge.PeerOf(edge.Primary));
        Assert.Equal(20, edge.Segments[1].Vlan);
        Assert.Equal(SegmentKind.Vlan, edge.Segments[1].Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(100), edge.Probes.Interval);
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "not json", "{ \"name\": ", "(file): not valid JSON" },
        { "root not object", "[1,2]", "(root): expected an object" },
        { "missing proxmox", Valid.Replace("\"proxmox\"", "\"proxmo\""), "proxmo: unknown key" },
        { "missing endpoints", Valid.Replace("\"endpoints\": [\"https://192.0.2.31:8006\", \"https://192.0.2.32:8006\"],", ""), "proxmox.endpoints: is required" },
        { "http endpoint", Valid.Replace("https://192.0.2.31:8006", "http://192.0.2.31:8006"), "proxmox.endpoints[0]: 'http://192.0.2.31:8006' is not an https:// URL" },
        { "bad url", Valid.Replace("https://192.0.2.32:8006", "https//pve2"), "proxmox.endpoints[1]: 'https//pve2' is not an https:// URL" },
        { "bad token id", Valid.Replace("haedge@pve!edge", "haedge-edge"), "proxmox.tokenId: 'haedge-edge' is not USER@REALM!TOKENID" },
        { "pin list with a bad entry", Valid.Replace(Pin1, "00:11"), "proxmox.certificateSha256[0]: expected a SHA-256 fingerprint" },
        { "fingerprint too short", Valid.Replace(Pin2, "ab:cd"), "proxmox.certificateSha256[1]: expected a SHA-256 fingerprint" },
        { "one pin for two endpoints", PinsAs($"\"{Pin1}\""),
            "proxmox.certificateSha256: one fingerprint for 2 endpoints: a pin belongs to one endpoint, so give an object from endpoint to fingerprint, or a list with one fingerprint per entry of proxmox.endpoints in the same order" },
        { "three pins for two endpoints", Valid.Replace($"\"{Pin2}\"]", $"\"{Pin2}\", \"{Pin1}\"]"), "proxmox.certificateSha256: 3 fingerprints for 2 endpoints: a pin belongs to one endpoint" },
        { "pin for no endpoint", PinsAs($"{{ \"https://192.0.2.31:8006\": \"{Pin1}\", \"https://192.0.2.33:8006\": \"{Pin2}\" }}"),
            "proxmox.certificateSha256.https://192.0.2.33:8006: 'https://192.0.2.33:8006' is not one of proxmox.endpoints" },
        { "pin over http", PinsAs($"{{ \"http://192.0.2.31:8006\": \"{Pin1}\" }}"), "proxmox.certificateSha256.http://192.0.2.31:8006: 'http://192.0.2.31:8006' is not one of proxmox.endpoints" },
        { "two pins for one endpoint", PinsAs($"{{ \"https://192.0.2.31:8006\": \"{Pin1}\", \"https://192.0.2.31:8006/\": \"{Pin2}\" }}"),
            "proxmox.certificateSha256.https://192.0.2.31:8006/: a second, different fingerprint for 192.0.2.31:8006" },
        { "pin as a number", PinsAs("5"), "proxmox.certificateSha256: expected an object from endpoint to fingerprint, a list or a string, found the number 5" },
        { "host key malformed", Valid.Replace("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "MD5:aa:bb"), "firewalls[0].ssh.hostKeySha256: expected 'SHA256:'" },
        { "duplicate names", Valid.Replace("\"name\": \"fw2\"", "\"name\": \"FW1\""), "firewalls[1].name: duplicate firewall name 'fw1'" },
        { "vmId as string", Valid.Replace("\"vmId\": 102", "\"vmId\": \"102\""), "firewalls[0].vmId: expected a whole number, found the string \"102\"" },
        { "port out of range", Valid.Replace("\"port\": 2222", "\"port\": 70000"), "firewalls[1].ssh.port: 70000 is outside 1..65535" },
        { "two primaries", Valid.Replace("\"secondary\"", "\"primary\""), "firewalls[1].role: one firewall must be primary" },
        { "unknown role", Valid.Replace("\"secondary\"", "\"backup\""), "firewalls[0].role: 'backup' is not one of primary, secondary" },
        { "three firewalls", Valid.Replace("\"firewalls\": [", "\"firewalls\": [{ \"name\": \"fw3\", \"role\": \"primary\", \"vmId\": 103, \"node\": \"pve3\", \"ssh\": { \"host\": \"h\", \"user\": \"u\" } },"), "firewalls: an HA pair has exactly two firewalls, found 3" },
        { "typo key", Valid.Replace("\"syncAddress\"", "\"syncaddress\""), "firewalls[1].syncaddress: unknown key (did you mean 'syncAddress'?)" },
        { "bad sync address", Valid.Replace("198.51.100.129", "198.51.100.999"), "firewalls[1].syncAddress: '198.51.100.999' is not an IP address" },
        { "vlan without id", Valid.Replace(", \"vlan\": 20", ""), "segments[1].vlan: a vlan segment needs its VLAN id" },
        { "carp not bool", Valid.Replace("\"carp\": true }\n", "\"carp\": \"yes\" }\n"), "segments[1].carp: expected true or false" },
        { "bad env var", Valid.Replace("HAEDGE_PVE_TOKEN", "HAEDGE PVE"), "proxmox.tokenSecretVariable: 'HAEDGE PVE' is not an environment variable name" },
        { "env var name ends in a newline", Valid.Replace("HAEDGE_PVE_TOKEN", "HAEDGE_PVE_TOKEN\\n"), "proxmox.tokenSecretVariable: 'HAEDGE_PVE_TOKEN\n' is not an environment variable name" },
        { "another tool's secret as the token", Valid.Replace("HAEDGE_PVE_TOKEN", "AWS_SECRET_ACCESS_KEY"),
            "proxmox.tokenSecretVariable: 'AWS_SECRET_ACCESS_KEY' does not start with HAEDGE_: HaEdge reads secrets only from variables named for it" },
        { "another tool's secret as the XML-RPC password", Valid.Replace("HAEDGE_XMLRPC", "GITHUB_TOKEN"),
            "firewalls[1].xmlrpc.passwordVariable: 'GITHUB_TOKEN' does not start with HAEDGE_" },
        { "interval too small", Valid.Replace("\"intervalMs\": 100", "\"intervalMs\": 5"), "probes.intervalMs: 5 is outside 20..60000" },
        { "tcp echo no port", Valid.Replace("203.0.113.10:7", "203.0.113.10"), "probes.tcpEcho: '203.0.113.10' is not host:port" },
        // Issue 20: '$' matches before a trailing newline, so each of these passed its pattern.
        { "firewall name ends in a newline", Valid.Replace("\"name\": \"fw2\"", "\"name\": \"fw2\\n\""), "firewalls[0].name: 'fw2\n' is not a valid name" },
        { "node name ends in a newline", Valid.Replace("\"node\": \"pve2\"", "\"node\": \"pve2\\n\""), "firewalls[0].node: 'pve2\n' is not a Proxmox node name" },
        { "node name no Proxmox node can have", Valid.Replace("\"node\": \"pve2\"", "\"node\": \"pve.2\""), "firewalls[0].node: 'pve.2' is not a Proxmox node name (a DNS label" },
        { "token id ends in a newline", Valid.Replace("haedge@pve!edge", "haedge@pve!edge\\n"), "proxmox.tokenId: 'haedge@pve!edge\n' is not USER@REALM!TOKENID" },
        { "host key ends in a newline", Valid.Replace("hSuFU\"", "hSuFU\\n\""), "firewalls[0].ssh.hostKeySha256: expected 'SHA256:'" },
        { "tcp echo ends in a newline", Valid.Replace("203.0.113.10:7", "203.0.113.10:7\\n"), "probes.tcpEcho: '203.0.113.10:7\n' is not host:port" },
    };

    private const string Pin1 = "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";

    private const string Pin2 = "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef";

    /// <summary><see cref="Valid"/> with proxmox.certificateSha256 given as <paramref name="json"/>.</summary>
    private static string PinsAs(string json) => Valid.Replace($"[\"{Pin1}\", \"{Pin2}\"]", json);

    public static TheoryData<string, bool, string, string[]> PinForms() => new()
    {
        // Files from before pins were bound read as they were meant wherever that is unambiguous.
        { "one endpoint, one string", true, $"\"{Pin1}\"", new[] { "192.0.2.31:8006" } },
        { "one endpoint, a list of one", true, $"[\"{Pin1}\"]", new[] { "192.0.2.31:8006" } },
        { "a list in the order of the endpoints", false, $"[\"{Pin1}\", \"{Pin2}\"]", new[] { "192.0.2.31:8006", "192.0.2.32:8006" } },
        { "an empty list", false, "[]", Array.Empty<string>() },
        { "an object, in any order", false, $"{{ \"https://192.0.2.32:8006/\": \"{Pin2}\", \"https://192.0.2.31:8006\": \"{Pin1}\" }}", new[] { "192.0.2.31:8006", "192.0.2.32:8006" } },
        { "an object naming one endpoint", false, $"{{ \"https://192.0.2.32:8006\": \"{Pin2}\" }}", new[] { "192.0.2.32:8006" } },
    };

    [Theory]
    [MemberData(nameof(PinForms))]
    public void EachPinIsBoundToItsEndpoint(string because, bool oneEndpoint, string pins, string[] pinned)
    {
        string text = PinsAs(pins);
        if (oneEndpoint)
        {
            text = text.Replace(", \"https://192.0.2.32:8006\"]", "]");
        }

        EdgeDefinition edge = EdgeDefinitionReader.Parse(text, Path);

        var bound = edge.Proxmox.CertificatePins;
        Assert.True(pinned.SequenceEqual(bound.Keys.Order()), $"{because}: {string.Join(", ", bound.Keys)}");
        if (bound.TryGetValue("192.0.2.31:8006", out string? first)) Assert.Equal(CertificatePinOf(Pin1), first);
        if (bound.TryGetValue("192.0.2.32:8006", out string? second)) Assert.Equal(CertificatePinOf(Pin2), second);
    }

    private static string CertificatePinOf(string pin) => HaEdge.Core.CertificatePin.Normalize(pin);

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ABadFileGetsOneErrorNamingFileKeyAndProblem(string because, string text, string expected)
    {
        var error = Assert.Throws<HaEdgeException>(() => EdgeDefinitionReader.Parse(text, Path));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{because}: {error.Message}");
        Assert.StartsWith($"Edge definition '{Path}': ", error.Message);
        Assert.Equal("EdgeDefinitionInvalid", error.ErrorId);
        Assert.Equal(FailureKind.InvalidData, error.Kind);
        Assert.Equal(Path, error.Target);
    }

    [Fact]
    public void AMissingFileIsObjectNotFound()
    {
        var error = Assert.Throws<HaEdgeException>(() => EdgeDefinitionReader.Read("/nonexistent/haedge/edge.json"));
        Assert.Equal("EdgeDefinitionNotFound", error.ErrorId);
        Assert.Equal(FailureKind.ObjectNotFound, error.Kind);
    }
}

public class EdgeDefinitionTemplateTests
{
    /// <summary>
    /// The starter with its placeholders filled in as an operator does (with other made-up pins, for tests), all but
    /// <paramref name="keep"/>.
    /// </summary>
    public static string Filled(string? keep = null)
    {
        string[] fillers = { string.Join(":", Enumerable.Repeat("1A", 32)), string.Join(":", Enumerable.Repeat("2B", 32)), "SHA256:" + new string('C', 43), "SHA256:" + new string('D', 43) };
        string text = EdgeDefinitionTemplate.Text;
        for (int i = 0; i < fillers.Length; i++)
        {
            if (EdgeDefinitionTemplate.Placeholders[i] != keep) text = text.Replace(EdgeDefinitionTemplate.Placeholders[i], fillers[i]);
        }

        return text;
    }

    [Fact]
    public void TheStarterFileIsAValidDefinitionOnceItsPlaceholdersAreFilledIn()
    {
        EdgeDefinition edge = EdgeDefinitionReader.Parse(Filled(), "/defs/new.json");

        Assert.Equal("home-edge", edge.Name);
        Assert.Equal(new[] { "fw1", "fw2" }, edge.Firewalls.Select(f => f.Name));
        Assert.Equal(5, edge.Segments.Count);
        Assert.Equal("HAEDGE_PVE_TOKEN", edge.Proxmox.TokenSecretVariable);
        // Each endpoint with its own pin.
        Assert.Equal(new[] { "1A:1A", "2B:2B" }, edge.Proxmox.Endpoints.Select(e => edge.Proxmox.CertificatePins[e.Authority].Substring(0, 5)));
    }

    [Fact]
    public void Every_placeholder_is_in_the_starter()
    {
        Assert.All(EdgeDefinitionTemplate.Placeholders, placeholder => Assert.Contains(placeholder, EdgeDefinitionTemplate.Text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, "proxmox.certificateSha256.https://192.0.2.11:8006: line 19: still the starter's placeholder")]
    [InlineData(1, "proxmox.certificateSha256.https://192.0.2.12:8006: line 20: still the starter's placeholder")]
    [InlineData(2, "proxmox.ssh.nodes.pve1.hostKeySha256: line 29: still the starter's placeholder")]
    [InlineData(3, "proxmox.ssh.nodes.pve2.hostKeySha256: line 30: still the starter's placeholder")]
    public void A_placeholder_left_in_is_refused_with_its_line(int placeholder, string expected)
    {
        string text = Filled(keep: EdgeDefinitionTemplate.Placeholders[placeholder]);

        var error = Assert.Throws<HaEdgeException>(() => EdgeDefinitionReader.Parse(text, "/defs/new.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
