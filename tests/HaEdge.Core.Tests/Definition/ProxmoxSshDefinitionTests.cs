using HaEdge.Core.Definition;
using Xunit;

namespace HaEdge.Core.Tests.Definition;

public class ProxmoxSshDefinitionTests
{
    private const string Path = "/defs/edge.json";

    private const string Ssh = """
        "ssh": { "port": 2022, "user": "root", "keyFile": "keys/id_ed25519", "passwordVariable": "HAEDGE_PVE_SSH_PW",
                 "nodes": { "pve1": { "host": "192.0.2.31", "hostKeySha256": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" },
                            "pve2": { "host": "192.0.2.32", "hostKeySha256": "SHA256:qg9U4VRVyQGLhT0CBdgN34cns6gyC9QcPbjrEG/IDKs" } } },
        """;

    private static string WithSsh(string ssh) => EdgeDefinitionReaderTests.Valid.Replace("\"tokenId\": \"haedge@pve!edge\",", "\"tokenId\": \"haedge@pve!edge\",\n" + ssh);

    [Fact]
    public void ReadsTheNodesLoginAndPinnedKeys()
    {
        ProxmoxSshDefinition ssh = EdgeDefinitionReader.Parse(WithSsh(Ssh), Path).Proxmox.Ssh!;

        Assert.Equal(2022, ssh.Port);
        Assert.Equal("root", ssh.User);
        Assert.Equal("/defs/keys/id_ed25519", ssh.KeyFile);
        Assert.Equal("HAEDGE_PVE_SSH_PW", ssh.PasswordVariable);
        Assert.Null(ssh.PassphraseVariable);
        Assert.Equal("192.0.2.32", ssh.Nodes["PVE2"].Host);
        Assert.StartsWith("SHA256:47DEQ", ssh.Nodes["pve1"].HostKeySha256);
    }

    [Fact]
    public void IsOptional()
    {
        Assert.Null(EdgeDefinitionReader.Parse(EdgeDefinitionReaderTests.Valid, Path).Proxmox.Ssh);
    }

    [Fact]
    public void TheTemplateShowsIt()
    {
        ProxmoxSshDefinition ssh = EdgeDefinitionReader.Parse(EdgeDefinitionTemplateTests.Filled(), "/defs/new.json").Proxmox.Ssh!;
        Assert.Equal(new[] { "pve1", "pve2" }, ssh.Nodes.Keys);
        Assert.Equal(22, ssh.Port);
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "unknown key", Ssh.Replace("\"port\"", "\"Port\""), "proxmox.ssh.Port: unknown key (did you mean 'port'?)" },
        { "no user", Ssh.Replace("\"user\": \"root\",", ""), "proxmox.ssh.user: is required" },
        { "no nodes", Ssh.Replace("\"nodes\"", "\"hosts\""), "proxmox.ssh.hosts: unknown key" },
        { "empty nodes", "\"ssh\": { \"user\": \"root\", \"nodes\": {} },", "proxmox.ssh.nodes: at least one node is required" },
        { "nodes as list", "\"ssh\": { \"user\": \"root\", \"nodes\": [] },", "proxmox.ssh.nodes: expected an object, found a list" },
        { "unpinned node", Ssh.Replace(", \"hostKeySha256\": \"SHA256:qg9U4VRVyQGLhT0CBdgN34cns6gyC9QcPbjrEG/IDKs\"", ""), "proxmox.ssh.nodes.pve2.hostKeySha256: is required" },
        { "bad host key", Ssh.Replace("SHA256:qg9U4", "MD5:qg9U4"), "proxmox.ssh.nodes.pve2.hostKeySha256: expected 'SHA256:'" },
        { "bad host", Ssh.Replace("192.0.2.31", "not a host"), "proxmox.ssh.nodes.pve1.host: 'not a host' is not a host name or address" },
        { "unknown node key", Ssh.Replace("\"host\": \"192.0.2.32\"", "\"host\": \"192.0.2.32\", \"port\": 22"), "proxmox.ssh.nodes.pve2.port: unknown key" },
        { "bad node name", Ssh.Replace("\"pve2\":", "\"pve 2\":"), "proxmox.ssh.nodes.pve 2: 'pve 2' is not a Proxmox node name" },
        { "node name the HA-maintenance command would refuse", Ssh.Replace("\"pve2\":", "\"pve_2\":"), "proxmox.ssh.nodes.pve_2: 'pve_2' is not a Proxmox node name (a DNS label" },
        { "duplicate node", Ssh.Replace("\"pve2\":", "\"PVE1\":"), "proxmox.ssh.nodes.PVE1: duplicate node 'PVE1'" },
        { "port out of range", Ssh.Replace("2022", "0"), "proxmox.ssh.port: 0 is outside 1..65535" },
        { "bad variable", Ssh.Replace("HAEDGE_PVE_SSH_PW", "PVE-SSH"), "proxmox.ssh.passwordVariable: 'PVE-SSH' is not an environment variable name" },
        { "foreign variable", Ssh.Replace("HAEDGE_PVE_SSH_PW", "VAULT_TOKEN"), "proxmox.ssh.passwordVariable: 'VAULT_TOKEN' does not start with HAEDGE_" },
        { "ssh as string", "\"ssh\": \"root@pve1\",", "proxmox.ssh: expected an object, found the string \"root@pve1\"" },
        { "node named like a firewall", Ssh.Replace("\"pve2\":", "\"FW2\":"), "proxmox.ssh.nodes.FW2: 'FW2' is also a firewall's name" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ABadSshKeyGetsOneErrorNamingTheKey(string because, string ssh, string expected)
    {
        var error = Assert.Throws<HaEdgeException>(() => EdgeDefinitionReader.Parse(WithSsh(ssh), Path));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{because}: {error.Message}");
        Assert.Equal("EdgeDefinitionInvalid", error.ErrorId);
    }
}
