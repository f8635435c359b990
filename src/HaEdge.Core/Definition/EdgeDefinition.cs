using System;
using System.Collections.Generic;

namespace HaEdge.Core.Definition;

/// <summary>The edge as its definition file describes it. Holds no secret, only where each secret comes from.</summary>
public sealed class EdgeDefinition
{
    public EdgeDefinition(string name, string path, ProxmoxDefinition proxmox, IReadOnlyList<FirewallDefinition> firewalls,
        IReadOnlyList<SegmentDefinition> segments, ProbeDefinition probes)
    {
        Name = name;
        Path = path;
        Proxmox = proxmox;
        Firewalls = firewalls;
        Segments = segments;
        Probes = probes;
    }

    public string Name { get; }

    /// <summary>Full path of the file it was read from.</summary>
    public string Path { get; }

    public ProxmoxDefinition Proxmox { get; }

    /// <summary>Exactly two: the primary first.</summary>
    public IReadOnlyList<FirewallDefinition> Firewalls { get; }

    public IReadOnlyList<SegmentDefinition> Segments { get; }

    public ProbeDefinition Probes { get; }

    public FirewallDefinition Primary => Firewalls[0];

    public FirewallDefinition Secondary => Firewalls[1];

    public FirewallDefinition PeerOf(FirewallDefinition firewall) => ReferenceEquals(firewall, Primary) ? Secondary : Primary;

    public override string ToString() => Name;
}

public sealed class ProxmoxDefinition
{
    public ProxmoxDefinition(IReadOnlyList<Uri> endpoints, string tokenId, string? tokenSecretVariable, IReadOnlyDictionary<string, string> certificatePins, TimeSpan timeout,
        ProxmoxSshDefinition? ssh = null)
    {
        Endpoints = endpoints;
        TokenId = tokenId;
        TokenSecretVariable = tokenSecretVariable;
        CertificatePins = certificatePins;
        Timeout = timeout;
        Ssh = ssh;
    }

    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>USER@REALM!TOKENID</summary>
    public string TokenId { get; }

    /// <summary>Environment variable that holds the token secret, when not given as a credential.</summary>
    public string? TokenSecretVariable { get; }

    /// <summary>
    /// Pinned SHA-256 fingerprints of self-signed node certificates, upper-case hex with colons, by the authority
    /// (host:port) of the endpoint (one of <see cref="Endpoints"/>) that must present each; an endpoint without one
    /// is left to the platform's validation.
    /// </summary>
    public IReadOnlyDictionary<string, string> CertificatePins { get; }

    public TimeSpan Timeout { get; }

    /// <summary>SSH to the PVE nodes, for what the API cannot do (HA node maintenance); null when not configured.</summary>
    public ProxmoxSshDefinition? Ssh { get; }
}

/// <summary>The optional <c>proxmox.ssh</c> key: one login for every node, each node's address and pinned host key.</summary>
public sealed class ProxmoxSshDefinition
{
    public ProxmoxSshDefinition(int port, string user, string? keyFile, string? passphraseVariable, string? passwordVariable,
        IReadOnlyDictionary<string, ProxmoxSshNode> nodes)
    {
        Port = port;
        User = user;
        KeyFile = keyFile;
        PassphraseVariable = passphraseVariable;
        PasswordVariable = passwordVariable;
        Nodes = nodes;
    }

    public int Port { get; }

    public string User { get; }

    /// <summary>Private key file, resolved against the definition's folder.</summary>
    public string? KeyFile { get; }

    public string? PassphraseVariable { get; }

    public string? PasswordVariable { get; }

    /// <summary>By node name, case-insensitive.</summary>
    public IReadOnlyDictionary<string, ProxmoxSshNode> Nodes { get; }
}

public sealed class ProxmoxSshNode
{
    public ProxmoxSshNode(string host, string hostKeySha256)
    {
        Host = host;
        HostKeySha256 = hostKeySha256;
    }

    public string Host { get; }

    /// <summary>Always pinned: a node's root login is never trusted on first use.</summary>
    public string HostKeySha256 { get; }
}

public enum FirewallRole
{
    Primary,
    Secondary,
}

public sealed class FirewallDefinition
{
    public FirewallDefinition(string name, FirewallRole role, int vmId, string node, SshDefinition ssh, XmlRpcDefinition? xmlRpc, string? syncAddress)
    {
        Name = name;
        Role = role;
        VmId = vmId;
        Node = node;
        Ssh = ssh;
        XmlRpc = xmlRpc;
        SyncAddress = syncAddress;
    }

    public string Name { get; }

    public FirewallRole Role { get; }

    public int VmId { get; }

    /// <summary>The Proxmox node this firewall's VM belongs on.</summary>
    public string Node { get; }

    public SshDefinition Ssh { get; }

    public XmlRpcDefinition? XmlRpc { get; }

    public string? SyncAddress { get; }

    public override string ToString() => Name;
}

public sealed class SshDefinition
{
    public SshDefinition(string host, int port, string user, string? hostKeySha256, string? keyFile, string? passphraseVariable, string? passwordVariable)
    {
        Host = host;
        Port = port;
        User = user;
        HostKeySha256 = hostKeySha256;
        KeyFile = keyFile;
        PassphraseVariable = passphraseVariable;
        PasswordVariable = passwordVariable;
    }

    public string Host { get; }

    public int Port { get; }

    public string User { get; }

    /// <summary>Pinned host key as OpenSSH prints it: <c>SHA256:</c> and unpadded base64. Null only before trust on first use.</summary>
    public string? HostKeySha256 { get; }

    /// <summary>Private key file, resolved against the definition's folder.</summary>
    public string? KeyFile { get; }

    public string? PassphraseVariable { get; }

    public string? PasswordVariable { get; }
}

public sealed class XmlRpcDefinition
{
    public XmlRpcDefinition(Uri url, string user, string? passwordVariable, string? certificateSha256)
    {
        Url = url;
        User = user;
        PasswordVariable = passwordVariable;
        CertificateSha256 = certificateSha256;
    }

    public Uri Url { get; }

    public string User { get; }

    public string? PasswordVariable { get; }

    public string? CertificateSha256 { get; }
}

public enum SegmentKind
{
    Lan,
    Vlan,
    Wan,
    Sync,
}

public sealed class SegmentDefinition
{
    public SegmentDefinition(string name, SegmentKind kind, int net, string? bridge, int? vlan, bool carp, string? addressing)
    {
        Name = name;
        Kind = kind;
        Net = net;
        Bridge = bridge;
        Vlan = vlan;
        Carp = carp;
        Addressing = addressing;
    }

    public string Name { get; }

    public SegmentKind Kind { get; }

    /// <summary>The netN index of this segment's NIC on both firewall VMs.</summary>
    public int Net { get; }

    public string? Bridge { get; }

    public int? Vlan { get; }

    /// <summary>True when the segment carries a CARP VIP.</summary>
    public bool Carp { get; }

    /// <summary>static, dhcp or pppoe (WANs): one lease per WAN cannot carry a CARP VIP.</summary>
    public string? Addressing { get; }

    public override string ToString() => Name;
}

public sealed class ProbeDefinition
{
    public ProbeDefinition(string? ping, string? tcpEcho, Uri? download, TimeSpan interval)
    {
        Ping = ping;
        TcpEcho = tcpEcho;
        Download = download;
        Interval = interval;
    }

    public string? Ping { get; }

    /// <summary>host:port of a TCP echo service beyond the edge.</summary>
    public string? TcpEcho { get; }

    public Uri? Download { get; }

    public TimeSpan Interval { get; }
}
