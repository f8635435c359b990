using System.Net;
using System.Text.Json.Nodes;
using HaEdge.Core.Definition;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Tests.Proxmox;
using HaEdge.Core.Tests.Support;

namespace HaEdge.Core.Tests.Checks;

/// <summary>
/// A clean two-firewall edge as the PVE API would answer it, each answer cut from a sample in
/// tests/fixtures/real/pve-api-json and edited in place: cluster status, resources, VM config and node network from
/// real samples; the firewall options, HA resources and HA rules from SYNTHETIC files (no real capture of those was
/// found; they follow the API schema only). Cases break one thing and read it back through
/// <see cref="ProxmoxClient"/>, so the checks see what they would see from a real cluster.
/// </summary>
internal sealed class PveWorld
{
    public const int Fw1 = 101;
    public const int Fw2 = 102;

    private readonly Dictionary<string, JsonNode> answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (HttpStatusCode Status, string Reason)> failures = new(StringComparer.Ordinal);

    private PveWorld()
    {
    }

    public EdgeDefinition Edge { get; private set; } = null!;

    public static PveWorld Clean()
    {
        var world = new PveWorld();
        // Four quorate nodes (the real sample): no two-vote warning.
        world.answers["/cluster/status"] = Data("goproxmox-GET-cluster-status.json.txt");

        var resources = Data("goproxmox-GET-cluster-resources-all.json.txt").AsArray();
        foreach (var (vmId, node, name) in new[] { (Fw1, "node1", "fw1"), (Fw2, "node2", "fw2") })
        {
            var vm = resources.Single(item => IsVm(item, vmId))!.AsObject();
            vm["node"] = node;
            vm["name"] = name;
            vm["status"] = "running";
            vm["template"] = 0;
        }
        world.answers["/cluster/resources?type=vm"] = resources;

        foreach (var (vmId, node) in new[] { (Fw1, "node1"), (Fw2, "node2") })
        {
            var config = Data("packer-GET-qemu-100-config-pve8.1.json.txt").AsObject();
            config["name"] = "fw" + (vmId - 100);
            // Shared storage: a local disk is its own (informational) case.
            config["scsi0"] = $"ceph-vm:vm-{vmId}-disk-0,iothread=1,size=32G";
            for (var n = 0; n < 5; n++)
            {
                config["net" + n] = $"virtio=BC:24:11:{vmId:X2}:00:{n:X2},bridge={Bridges[n]},firewall=1" + (n == 2 ? ",tag=20" : "");
            }
            world.answers[$"/nodes/{node}/qemu/{vmId}/config"] = config;

            var options = Data("goproxmox-SYNTHETIC-GET-qemu-101-firewall-options.json.txt").AsObject();
            options["macfilter"] = 0;
            world.answers[$"/nodes/{node}/qemu/{vmId}/firewall/options"] = options;

            world.answers[$"/nodes/{node}/network"] = NodeNetwork();
        }

        var haResource = Data("goproxmox-SYNTHETIC-GET-cluster-ha-resources.json.txt").AsArray()[0]!.AsObject();
        haResource.Remove("group");
        world.answers["/cluster/ha/resources"] = new JsonArray(
            Edited(haResource, ("sid", "vm:101")),
            Edited(haResource, ("sid", "vm:102")));

        var rule = Data("goproxmox-SYNTHETIC-GET-cluster-ha-rules.json.txt").AsArray()[0]!.AsObject();
        rule.Remove("nodes");
        rule.Remove("strict");
        world.answers["/cluster/ha/rules"] = new JsonArray(Edited(rule,
            ("rule", "fw-apart"), ("type", "resource-affinity"), ("resources", "vm:101,vm:102"), ("affinity", "negative")));
        world.Fail("/cluster/ha/groups", HttpStatusCode.InternalServerError, "ha groups have been migrated to rules");

        world.Edge = Definition(new[]
        {
            new SegmentDefinition("WAN-Fibre", SegmentKind.Wan, 0, "vmbr0", null, true, "static"),
            new SegmentDefinition("LAN", SegmentKind.Lan, 1, "vmbr1", null, true, null),
            new SegmentDefinition("VLAN20", SegmentKind.Vlan, 2, "vmbr1", 20, true, null),
            new SegmentDefinition("WAN-Starlink", SegmentKind.Wan, 3, "vmbr2", null, false, "dhcp"),
            new SegmentDefinition("SYNC", SegmentKind.Sync, 4, "vmbr9", null, false, null),
        });
        return world;
    }

    private static readonly string[] Bridges = { "vmbr0", "vmbr1", "vmbr1", "vmbr2", "vmbr9" };

    public ProxmoxClient Client() => new FakeProxmoxHandler(Answer).Client();

    public JsonObject Object(string path) => answers[path].AsObject();

    public JsonArray Array(string path) => answers[path].AsArray();

    public void Fail(string path, HttpStatusCode status, string reason) => failures[path] = (status, reason);

    /// <summary>Answers <paramref name="path"/> with <paramref name="data"/> (and no longer fails it).</summary>
    public void Answer(string path, JsonNode data)
    {
        answers[path] = data;
        failures.Remove(path);
    }

    public void WithSegments(params SegmentDefinition[] segments) => Edge = Definition(segments);

    public JsonObject Config(int vmId) => Object(VmPath(vmId, "config"));

    public JsonObject FirewallOptions(int vmId) => Object(VmPath(vmId, "firewall/options"));

    /// <summary>Sets (or with null removes) one option of <c>netN</c>'s property string.</summary>
    public void SetNicOption(int vmId, int net, string option, string? value)
    {
        var config = Config(vmId);
        var parts = ((string)config["net" + net]!).Split(',').Where(part => !part.StartsWith(option + "=", StringComparison.Ordinal)).ToList();
        if (value != null) parts.Add(option + "=" + value);
        config["net" + net] = string.Join(",", parts);
    }

    /// <summary>The node's interface by name (vmbr0, eno1, ...).</summary>
    public JsonObject Interface(string node, string name) =>
        Array($"/nodes/{node}/network").Single(item => (string)item!["iface"]! == name)!.AsObject();

    /// <summary>Moves a VM in /cluster/resources and its per-node answers to another node.</summary>
    public void MoveVm(int vmId, string node)
    {
        var vm = Array("/cluster/resources?type=vm").Single(item => IsVm(item, vmId))!.AsObject();
        var from = (string)vm["node"]!;
        vm["node"] = node;
        foreach (var rest in new[] { "config", "firewall/options" })
        {
            answers[$"/nodes/{node}/qemu/{vmId}/{rest}"] = answers[$"/nodes/{from}/qemu/{vmId}/{rest}"];
        }
    }

    public string VmPath(int vmId, string rest)
    {
        var vm = Array("/cluster/resources?type=vm").Single(item => IsVm(item, vmId))!;
        return $"/nodes/{vm["node"]}/qemu/{vmId}/{rest}";
    }

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var path = request.RequestUri!.PathAndQuery.Substring("/api2/json".Length);
        if (failures.TryGetValue(path, out var failure)) return FakeProxmoxHandler.Json("""{"data":null}""", failure.Status, failure.Reason);
        if (request.Method != HttpMethod.Get) return FakeProxmoxHandler.Json("""{"data":null}""");
        return answers.TryGetValue(path, out var data)
            ? FakeProxmoxHandler.Json(new JsonObject { ["data"] = data.DeepClone() }.ToJsonString())
            : FakeProxmoxHandler.Json("""{"data":null}""", HttpStatusCode.InternalServerError, $"no answer for {path} in the test world");
    }

    /// <summary>The pve9x network sample's VLAN-aware bridge, its eth port and its other interfaces, one bridge per segment.</summary>
    private static JsonArray NodeNetwork()
    {
        var sample = Data("goproxmox-GET-nodes-node1-network-pve9x.json.txt").AsArray();
        var eth = sample.Single(item => (string)item!["type"]! == "eth")!.AsObject();
        var bridge = sample.Single(item => (string)item!["type"]! == "bridge")!.AsObject();
        var network = new JsonArray();
        var ports = new[] { ("vmbr0", "eno1"), ("vmbr1", "eno2"), ("vmbr2", "eno3"), ("vmbr9", "eno4") };
        foreach (var (name, port) in ports)
        {
            network.Add(Edited(eth, ("iface", port)));
            var copy = Edited(bridge, ("iface", name), ("bridge_ports", port));
            if (name != "vmbr1")
            {
                // Only the LAN bridge carries VLANs; the others are traditional bridges.
                copy.Remove("bridge_vlan_aware");
                copy.Remove("bridge_vids");
            }
            network.Add(copy);
        }
        return network;
    }

    /// <summary>The sample also lists nodes and storages, which have no vmid.</summary>
    private static bool IsVm(JsonNode? item, int vmId) => item?["vmid"] is JsonNode id && (int)id == vmId;

    private static EdgeDefinition Definition(IReadOnlyList<SegmentDefinition> segments)
    {
        var ssh = new SshDefinition("192.0.2.2", 22, "admin", null, null, null, null);
        var proxmox = new ProxmoxDefinition(new[] { new Uri("https://pve1.example:8006") }, "haedge@pve!edge", null, new Dictionary<string, string>(), TimeSpan.FromSeconds(10));
        return new EdgeDefinition("test-edge", "/tmp/edge.json", proxmox,
            new[]
            {
                new FirewallDefinition("fw1", FirewallRole.Primary, Fw1, "node1", ssh, null, null),
                new FirewallDefinition("fw2", FirewallRole.Secondary, Fw2, "node2", ssh, null, null),
            },
            segments, new ProbeDefinition(null, null, null, TimeSpan.FromMilliseconds(200)));
    }

    /// <summary>The data of a PVE sample, detached so it can be edited.</summary>
    public static JsonNode Data(string fixture) => JsonNode.Parse(RealFixture.Body("pve-api-json/" + fixture))!["data"]!.DeepClone();

    /// <summary>A copy of a sample object with some keys set.</summary>
    public static JsonObject Edited(JsonObject template, params (string Key, JsonNode? Value)[] changes)
    {
        var copy = template.DeepClone().AsObject();
        foreach (var (key, value) in changes) copy[key] = value;
        return copy;
    }
}
