using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaEdge.Lab.Topology;

namespace HaEdge.Lab.Host;

/// <summary>
/// `reach --from PREFIX [--block N]`: this lab instance's edge, reachable from another instance's admin namespace, so
/// one shell there reads two independent edges, as an operator reaches sites whose networks overlap (every lab edge
/// has the same address plan): over a link of its own and a one-to-one NAT of this edge's LAN, 192.0.2.0/24, to
/// 198.18.N.0/24 (RFC 2544's benchmarking range, which no lab segment uses). Writes this edge's definition as seen
/// from there (edge-from-PREFIX.json: LAN addresses mapped, pins unchanged, secrets under names of their own) and its
/// secrets (lab-from-PREFIX.env). The link's two ends live in the two admin namespaces: `down` of either removes it.
/// </summary>
internal static class LabReach
{
    private static readonly Regex LanAddress = new(@"\b192\.0\.2\.(\d{1,3})\b", RegexOptions.CultureInvariant);

    public static void Run(LabPaths paths, string from, int block)
    {
        if (!Regex.IsMatch(from, "^[a-z]{2,3}-$") || from == LabLayout.Prefix)
        {
            throw new LabException($"--from '{from}' is not another lab instance's prefix (two or three lower-case letters and a dash, e.g. hel-)");
        }
        if (block is < 1 or > 255)
        {
            throw new LabException($"--block {block} is not 1 to 255 (the edge is reached at 198.18.<block>.0/24)");
        }
        string near = from + "admin", far = LabLayout.AdminNamespace;
        if (!Shell.Namespaces().Contains(near))
        {
            throw new LabException($"the lab instance {from} is not up (no namespace {near})");
        }

        string mapped = $"198.18.{block}.0/24", link = $"198.19.{block}.", tag = LabLayout.Prefix.TrimEnd('-');
        string nearLink = "to-" + tag, farLink = "from-" + from.TrimEnd('-');
        // Again from the start when run twice: the old link goes, and with it its addresses and the route.
        Shell.Run("ip", "-n", far, "link", "del", farLink);
        Shell.Check("ip", "link", "add", nearLink, "netns", near, "type", "veth", "peer", "name", farLink, "netns", far);
        Shell.IpBatch(near, new[] { $"addr add {link}1/30 dev {nearLink}", $"link set {nearLink} up", $"route add {mapped} via {link}2" });
        Shell.IpBatch(far, new[] { $"addr add {link}2/30 dev {farLink}", $"link set {farLink} up" });
        Shell.CheckInNamespace(far, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        // Into the mapped block, to the same host of this LAN; out from this admin's LAN address, so the firewalls and
        // the Proxmox nodes answer a neighbour, as they answer this instance's own admin.
        string table = "haedge_reach_" + from.TrimEnd('-');
        string rules = $$"""
            table ip {{table}} {}
            delete table ip {{table}}
            table ip {{table}} {
              chain prerouting { type nat hook prerouting priority dstnat; iifname "{{farLink}}" ip daddr {{mapped}} dnat ip prefix to ip daddr map { {{mapped}} : 192.0.2.0/24 }; }
              chain postrouting { type nat hook postrouting priority srcnat; ip saddr {{link}}0/30 oifname != "{{farLink}}" masquerade; }
            }
            """;
        Shell.Result nft = Shell.Run("ip", new[] { "netns", "exec", far, "nft", "-f", "-" }, stdin: rules + "\n");
        if (!nft.Ok)
        {
            throw new LabException($"nft in {far} failed: {(nft.Error + nft.Output).Trim()}");
        }

        string definition = Path.Combine(paths.StateDir, $"edge-from-{from.TrimEnd('-')}.json");
        string env = Path.Combine(paths.StateDir, $"lab-from-{from.TrimEnd('-')}.env");
        WriteDefinition(paths, definition, block, tag);
        string secrets = string.Concat(File.ReadAllLines(paths.EnvFile).Where(l => l.Contains('=')).Select(l => Renamed(l, tag) + "\n"));
        Shell.WriteFile(env, secrets, Shell.Private);
        Console.WriteLine($"{LabLayout.Prefix} edge reached from {near} at {mapped} (its LAN 192.0.2.0/24)");
        Console.WriteLine($"  definition: {definition}");
        Console.WriteLine($"  secrets: {env}");
    }

    /// <summary>
    /// edge.json with the LAN addresses mapped (SSH hosts, XML-RPC URLs, Proxmox endpoints and their pins' keys), each
    /// secret's variable renamed (two edges in one shell each need their own), and no probes: from the other admin
    /// they would measure that lab's internet, not this one's.
    /// </summary>
    private static void WriteDefinition(LabPaths paths, string file, int block, string tag)
    {
        string text = LanAddress.Replace(File.ReadAllText(paths.EdgeDefinition),
            m => $"198.18.{block.ToString(CultureInfo.InvariantCulture)}.{m.Groups[1].Value}");
        JsonObject edge = JsonNode.Parse(text)!.AsObject();
        edge["name"] = $"{edge["name"]} {tag}";
        edge.Remove("probes");
        JsonObject proxmox = edge["proxmox"]!.AsObject();
        proxmox["tokenSecretVariable"] = Renamed((string)proxmox["tokenSecretVariable"]!, tag);
        foreach (JsonNode? firewall in edge["firewalls"]!.AsArray())
        {
            JsonObject xmlRpc = firewall!["xmlrpc"]!.AsObject();
            xmlRpc["passwordVariable"] = Renamed((string)xmlRpc["passwordVariable"]!, tag);
        }
        Shell.WriteFile(file, edge.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>HAEDGE_PVE_TOKEN -> HAEDGE_HEZ_PVE_TOKEN (a variable name, or the name of a NAME=value line).</summary>
    private static string Renamed(string variable, string tag) =>
        "HAEDGE_" + tag.ToUpperInvariant() + "_" + variable.Substring("HAEDGE_".Length);
}
