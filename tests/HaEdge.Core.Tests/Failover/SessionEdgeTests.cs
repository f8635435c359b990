using HaEdge.Core.Carp;
using HaEdge.Core.Failover.Adapters;
using HaEdge.Core.Failover;
using HaEdge.Core.PfSense;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Session;
using Xunit;
using static HaEdge.Core.Tests.Carp.CarpSamples;
using HaEdge.Core.Tests.Carp;
using HaEdge.Core.Tests.Proxmox;

namespace HaEdge.Core.Tests.Failover;

/// <summary>The adapter over the real services: fake SSH pair (real pfSense/OPNsense outputs) and a fake Proxmox API.</summary>
public class SessionEdgeTests
{
    private const string Upid = "UPID:pve3:00000AAA:00000BBB:66F2A1B3:qmstop:101:haedge@pve!edge:";

    private readonly FakeFirewalls firewalls = new();
    private readonly FakeProxmoxHandler proxmox;

    public SessionEdgeTests()
    {
        proxmox = new FakeProxmoxHandler(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/cluster/resources"))
                return FakeProxmoxHandler.Json("""{"data":[{"id":"qemu/101","type":"qemu","node":"pve3","vmid":101,"name":"fw1","status":"running"},{"id":"qemu/102","type":"qemu","node":"pve2","vmid":102,"name":"fw2","status":"running"}]}""");
            if (path.EndsWith("/status/stop") || path.EndsWith("/status/start")) return FakeProxmoxHandler.Json($$"""{"data":"{{Upid}}"}""");
            if (path.Contains("/tasks/")) return FakeProxmoxHandler.Json($$$"""{"data":{"status":"stopped","exitstatus":"OK","upid":"{{{Upid}}}"}}""");
            if (path.EndsWith("/config") && request.Method == HttpMethod.Get)
                return FakeProxmoxHandler.Json("""{"data":{"name":"fw1","digest":"0123abcd","net0":"virtio=BC:24:11:00:00:00,bridge=vmbr0","net1":"virtio=BC:24:11:00:00:01,bridge=vmbr1,firewall=1"}}""");
            return FakeProxmoxHandler.Json("""{"data":null}""");
        });
    }

    private SessionEdge Edge()
    {
        var definition = firewalls.Session().Definition;
        var targets = definition.Firewalls.Select(f => new SshTarget(f.Name, f.Ssh.Host, 22, "admin") { ConnectTimeout = TimeSpan.FromSeconds(1) });
        var session = new EdgeSession(definition, () => proxmox.Client(), new SshPool(() => firewalls), targets);
        return new SessionEdge(session, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Carp_is_read_from_both_firewalls_with_one_name_per_vip()
    {
        firewalls.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        firewalls.Answer("fw2", CarpAnswers(Fw2Backup, FromSourceSysctlHealthy));

        var carp = await Edge().ReadCarpAsync(CancellationToken.None);

        Assert.Equal("fw1", carp.SoleOwner);
        Assert.Equal(new[] { "fw1", "fw2" }, carp.Firewalls.Select(f => f.Firewall));
        Assert.All(carp.Firewall("fw2")!.Vips, v => Assert.Equal(CarpState.Backup, v.State));
        Assert.Equal(carp.Firewall("fw1")!.Vips.Select(v => v.Vip), carp.Firewall("fw2")!.Vips.Select(v => v.Vip));
    }

    [Fact]
    public async Task An_unreachable_firewall_is_in_the_snapshot_not_an_exception()
    {
        firewalls.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        firewalls.Unreachable["fw2"] = true;

        var carp = await Edge().ReadCarpAsync(CancellationToken.None);

        var fw2 = carp.Firewall("fw2")!;
        Assert.False(fw2.Reachable);
        Assert.Contains("Connection refused", fw2.Error);
        Assert.Equal("fw1", carp.SoleOwner);
    }

    [Fact]
    public async Task Maintenance_runs_pfSense_playback_without_waiting()
    {
        var answers = CarpAnswers(Fw1Master, Fw1Sysctl);
        answers[PfSenseCommands.EnableMaintenance] = "";
        firewalls.Answer("fw1", answers);
        firewalls.Answer("fw2", CarpAnswers(Fw2Backup, FromSourceSysctlHealthy));

        await Edge().SetMaintenanceAsync("fw1", true, CancellationToken.None);

        Assert.Contains(("fw1", PfSenseCommands.EnableMaintenance), firewalls.Execs);
    }

    [Fact]
    public async Task The_hard_stop_goes_to_the_node_the_vm_is_on_now_and_waits_for_its_task()
    {
        await Edge().StopAsync("fw1", CancellationToken.None);

        var paths = proxmox.Requests.Select(r => r.Method + " " + r.Uri.AbsolutePath).ToList();
        Assert.Contains("POST /api2/json/nodes/pve3/qemu/101/status/stop", paths);
        Assert.Contains(paths, p => p.StartsWith("GET /api2/json/nodes/pve3/tasks/"));
    }

    [Fact]
    public async Task Link_down_rewrites_only_that_nic_with_the_config_digest()
    {
        await Edge().SetLinkDownAsync("fw1", 1, true, CancellationToken.None);

        var put = Assert.Single(proxmox.Requests, r => r.Method == HttpMethod.Put);
        Assert.Equal("/api2/json/nodes/pve3/qemu/101/config", put.Uri.AbsolutePath);
        Assert.Contains("link_down%3D1", put.Body);
        Assert.Contains("net1=", put.Body);
        Assert.Contains("digest=0123abcd", put.Body);
        Assert.Equal("net1 of VM 101 (fw1) on pve1", Edge().Describe("fw1", 1));
    }

    [Fact]
    public void The_force_down_command_names_the_gateway_and_refuses_anything_else()
    {
        var down = SessionEdge.ForceDownCommand("WAN_FIBRE", true);
        var up = SessionEdge.ForceDownCommand("WAN_FIBRE", false);

        Assert.StartsWith("php -r '", down);
        Assert.EndsWith("'", down);
        Assert.Equal(2, down.Count(c => c == '\''));
        Assert.Contains("$gw[\"name\"] === \"WAN_FIBRE\"", down);
        Assert.Contains("$items[$i][\"force_down\"] = true;", down);
        Assert.Contains("unset($items[$i][\"force_down\"]);", up);
        Assert.Contains("config_set_path(\"gateways/gateway_item\", $items); write_config(", down);
        Assert.Equal("GatewayNameInvalid", Assert.Throws<HaEdgeException>(() => SessionEdge.ForceDownCommand("WAN'; reboot; '", true)).ErrorId);
    }

    [Fact]
    public void Probes_come_only_from_the_definition()
    {
        var probes = SessionFailover.Probes(new Core.Definition.ProbeDefinition("203.0.113.9", "203.0.113.9:7", new Uri("http://203.0.113.9:8080/big"), TimeSpan.FromMilliseconds(200)),
            new Core.Failover.Probes.ProbeOptions(), includeDownload: false);

        Assert.Equal(new[] { ("Ping", ProbeKind.Ping, "203.0.113.9"), ("TcpSession", ProbeKind.TcpSession, "203.0.113.9:7") },
            probes.Select(p => (p.Name, p.Kind, p.Target)));
    }
}
