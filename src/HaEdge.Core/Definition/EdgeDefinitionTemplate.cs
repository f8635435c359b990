using System.Collections.Generic;
using HaEdge.Core.Inventory;

namespace HaEdge.Core.Definition;

/// <summary>The commented starter file New-HaEdgeDefinition writes. It is itself a valid definition.</summary>
internal static class EdgeDefinitionTemplate
{
    /// <summary>
    /// The starter's stand-ins for the pins only the operator can know (each node's certificate fingerprint and SSH
    /// host key). The reader refuses them, so the starter never connects while trusting made-up identities.
    /// </summary>
    public static readonly IReadOnlyList<string> Placeholders = new[]
    {
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
        "FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00:FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00",
        "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
    };

    public const string Text = @"// HaEdge edge definition: one pfSense CARP pair on two Proxmox VE nodes.
// Keep it in git. It holds no secret: each secret comes from the environment variable named here,
// or from Connect-HaEdge -Credential / -SshCredential.
{
  ""name"": ""home-edge"",

  ""proxmox"": {
    // Any node of the cluster serves the API; when one is down the next is tried.
    ""endpoints"": [""https://192.0.2.11:8006"", ""https://192.0.2.12:8006""],
    // Least privilege: a token with Sys.Audit and VM.Audit reads; add VM.PowerMgmt and VM.Config.Network
    // for failover tests, Sys.Console for -Repair of the anti-affinity rule.
    ""tokenId"": ""haedge@pve!edge"",
    ""tokenSecretVariable"": ""HAEDGE_PVE_TOKEN"",
    // A self-signed certificate is trusted only by its SHA-256 fingerprint (pvenode cert info on each node).
    // Each node has its own, and each pin holds for its endpoint alone: a node answering with another node's
    // certificate is refused. (A list in the order of endpoints works too.) An endpoint left out here, or the
    // whole key removed, is checked against the CAs this machine trusts.
    ""certificateSha256"": {
      ""https://192.0.2.11:8006"": ""00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"",
      ""https://192.0.2.12:8006"": ""FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00:FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00""
    },
    ""timeoutSeconds"": 10,
    // Optional: SSH to the nodes, only for Suspend-/Resume-HaEdgeNode -HaMaintenance (ha-manager has no REST
    // endpoint for node maintenance). Each node's host key is pinned: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub.
    ""ssh"": {
      ""user"": ""root"",
      ""keyFile"": ""~/.ssh/id_ed25519"",
      ""nodes"": {
        ""pve1"": { ""host"": ""192.0.2.11"", ""hostKeySha256"": ""SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"" },
        ""pve2"": { ""host"": ""192.0.2.12"", ""hostKeySha256"": ""SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"" }
      }
    }
  },

  ""firewalls"": [
    {
      ""name"": ""fw1"",
      ""role"": ""primary"",
      ""vmId"": 101,
      ""node"": ""pve1"",
      ""ssh"": {
        ""host"": ""192.0.2.2"",
        // admin (pfSense runs its commands through rc.initial with /bin/sh) or root; any other user's shell is tcsh, which HaEdge cannot drive.
        ""user"": ""admin"",
        // ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the firewall's console, or Connect-HaEdge -TrustOnFirstUse once.
        // ""hostKeySha256"": ""SHA256:..."",
        ""keyFile"": ""~/.ssh/id_ed25519""
      },
      ""xmlrpc"": { ""url"": ""https://192.0.2.2/xmlrpc.php"", ""user"": ""hasync"", ""passwordVariable"": ""HAEDGE_XMLRPC_PASSWORD"" },
      ""syncAddress"": ""198.51.100.1""
    },
    {
      ""name"": ""fw2"",
      ""role"": ""secondary"",
      ""vmId"": 102,
      ""node"": ""pve2"",
      ""ssh"": { ""host"": ""192.0.2.3"", ""user"": ""admin"", ""keyFile"": ""~/.ssh/id_ed25519"" },
      ""xmlrpc"": { ""url"": ""https://192.0.2.3/xmlrpc.php"", ""user"": ""hasync"", ""passwordVariable"": ""HAEDGE_XMLRPC_PASSWORD"" },
      ""syncAddress"": ""198.51.100.2""
    }
  ],

  // Each segment is the same netN on both VMs. carp: the segment has a CARP VIP.
  ""segments"": [
    { ""name"": ""WAN-Fibre"",    ""kind"": ""wan"",  ""net"": 0, ""bridge"": ""vmbr0"", ""carp"": true, ""addressing"": ""static"" },
    { ""name"": ""LAN"",          ""kind"": ""lan"",  ""net"": 1, ""bridge"": ""vmbr1"", ""carp"": true },
    { ""name"": ""VLAN20"",       ""kind"": ""vlan"", ""net"": 1, ""bridge"": ""vmbr1"", ""vlan"": 20, ""carp"": true },
    { ""name"": ""WAN-Starlink"", ""kind"": ""wan"",  ""net"": 2, ""bridge"": ""vmbr2"", ""carp"": false, ""addressing"": ""dhcp"" },
    { ""name"": ""SYNC"",         ""kind"": ""sync"", ""net"": 3, ""bridge"": ""vmbr9"" }
  ],

  // What Test-HaFailover probes beyond the edge.
  ""probes"": { ""ping"": ""203.0.113.10"", ""tcpEcho"": ""203.0.113.10:7"", ""intervalMs"": 200 }
}
";
}
