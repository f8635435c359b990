using HaEdge.Core;
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
            "certificateSha256": "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89",
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
        Assert.StartsWith("AB:CD:EF:01", Assert.Single(edge.Proxmox.CertificatePins));
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
        { "pin list with a bad entry", Valid.Replace("\"certificateSha256\": \"ab", "\"certificateSha256\": [\"00:11\", \"ab").Replace(":89\",\n", ":89\"],\n"), "proxmox.certificateSha256[0]: expected a SHA-256 fingerprint" },
        { "fingerprint too short", Valid.Replace("ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89", "ab:cd"), "proxmox.certificateSha256: expected a SHA-256 fingerprint" },
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
    };

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
    [Fact]
    public void TheStarterFileIsAValidDefinition()
    {
        EdgeDefinition edge = EdgeDefinitionReader.Parse(EdgeDefinitionTemplate.Text, "/defs/new.json");

        Assert.Equal("home-edge", edge.Name);
        Assert.Equal(new[] { "fw1", "fw2" }, edge.Firewalls.Select(f => f.Name));
        Assert.Equal(5, edge.Segments.Count);
        Assert.Equal("HAEDGE_PVE_TOKEN", edge.Proxmox.TokenSecretVariable);
    }
}
