using System.Diagnostics;
using System.Net;
using HaEdge.Core.Proxmox;
using Xunit;

namespace HaEdge.Core.Tests.Proxmox;

public class ProxmoxClientTests
{
    private const string QuorateCluster = """{"data":[{"type":"cluster","id":"cluster","name":"edge","quorate":1,"nodes":2,"version":3}]}""";

    private static HttpResponseMessage Ok(string json) => FakeProxmoxHandler.Json(json);

    [Fact]
    public async Task Sends_the_api_token_header_and_the_api_path()
    {
        var handler = new FakeProxmoxHandler(_ => Ok(QuorateCluster));
        using var client = handler.Client();

        await client.GetClusterStatusAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Equal("PVEAPIToken=haedge@pve!edge=" + ProxmoxTestSecrets.TokenSecret, request.Authorization);
        Assert.Equal("https://pve1.example:8006/api2/json/cluster/status", request.Uri.AbsoluteUri);
        Assert.Equal(HttpMethod.Get, request.Method);
    }

    [Fact]
    public void Keeps_the_secret_out_of_text()
    {
        var options = FakeProxmoxHandler.Options(null, "https://192.0.2.31:8006", "https://192.0.2.32:8006");
        using var client = new ProxmoxClient(options);

        Assert.Equal("haedge@pve!edge at 192.0.2.31:8006, 192.0.2.32:8006", options.ToString());
        Assert.DoesNotContain(ProxmoxTestSecrets.TokenSecret, client.ToString());
        Assert.DoesNotContain(typeof(ProxmoxClientOptions).GetProperties(), property => property.Name == "TokenSecret" && property.GetMethod!.IsPublic);
    }

    [Fact]
    public async Task Fails_over_to_the_next_endpoint_and_stays_there()
    {
        var handler = new FakeProxmoxHandler(request => request.RequestUri!.Host == "pve1.example"
            ? throw new HttpRequestException("Connection refused")
            : Ok(QuorateCluster));
        using var client = handler.Client(FakeProxmoxHandler.Options(null, "https://pve1.example:8006", "https://pve2.example:8006"));

        Assert.Equal("edge", (await client.GetClusterStatusAsync()).ClusterName);
        Assert.True((await client.GetClusterStatusAsync()).Quorate);

        Assert.Equal(new[] { "pve1.example", "pve2.example", "pve2.example" }, handler.Requests.Select(request => request.Uri.Host));
    }

    [Fact]
    public async Task Fails_over_when_an_endpoint_does_not_answer_in_time()
    {
        var handler = new FakeProxmoxHandler(async (request, token) =>
        {
            if (request.RequestUri!.Host == "pve1.example") await Task.Delay(Timeout.Infinite, token);
            return Ok(QuorateCluster);
        });
        // pve2 must answer within the same per-call timeout: 1 s, so that even a loaded machine answers in time.
        using var client = handler.Client(FakeProxmoxHandler.Options(TimeSpan.FromSeconds(1), "https://pve1.example:8006", "https://pve2.example:8006"));

        Assert.True((await client.GetClusterStatusAsync()).Quorate);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task No_reachable_endpoint_is_unreachable_naming_both()
    {
        var handler = new FakeProxmoxHandler(request => throw new HttpRequestException("Connection refused", new IOException("No route to host")));
        using var client = handler.Client(FakeProxmoxHandler.Options(null, "https://192.0.2.31:8006", "https://192.0.2.32:8006"));

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetNodesAsync());

        Assert.Equal("ProxmoxUnreachable", error.ErrorId);
        Assert.Equal(FailureKind.ConnectionError, error.Kind);
        Assert.Equal("192.0.2.31:8006, 192.0.2.32:8006", error.Target);
        Assert.Contains("No route to host", error.Message);
    }

    [Fact]
    public async Task Silent_endpoints_time_out_per_call()
    {
        var handler = new FakeProxmoxHandler(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return Ok("{}");
        });
        var timeout = TimeSpan.FromMilliseconds(500);
        using var client = handler.Client(FakeProxmoxHandler.Options(timeout, "https://pve1.example:8006", "https://pve2.example:8006"));
        var clock = Stopwatch.StartNew();

        // The endpoints never answer: without a per-call timeout the test fails after 30 s instead of hanging.
        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetVmsAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("ProxmoxTimeout", error.ErrorId);
        Assert.Equal(FailureKind.OperationTimeout, error.Kind);
        Assert.Equal("pve1.example:8006, pve2.example:8006", error.Target);
        Assert.Equal(2, handler.Requests.Count);
        // Each endpoint got its own timeout (so at least two of them), and the call ended soon after: the margin is for a loaded machine.
        Assert.InRange(clock.Elapsed, 2 * timeout - TimeSpan.FromMilliseconds(50), 20 * timeout);
    }

    [Fact]
    public async Task A_write_that_timed_out_is_not_sent_to_another_node()
    {
        var handler = new FakeProxmoxHandler(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return Ok("{}");
        });
        using var client = handler.Client(FakeProxmoxHandler.Options(TimeSpan.FromMilliseconds(150), "https://pve1.example:8006", "https://pve2.example:8006"));

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.StartVmAsync("pve1", 101));

        Assert.Equal("ProxmoxTimeout", error.ErrorId);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Cancellation_is_not_wrapped()
    {
        var handler = new FakeProxmoxHandler(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return Ok("{}");
        });
        using var client = handler.Client();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetHaRulesAsync(cancel.Token));
    }

    [Theory]
    [InlineData(401, "authentication failure", "", "ProxmoxUnauthorized", FailureKind.AuthenticationError, "authentication failure")]
    [InlineData(403, "Permission check failed (/vms/101, VM.Audit)", """{"data":null}""", "ProxmoxForbidden", FailureKind.PermissionDenied, "Permission check failed (/vms/101, VM.Audit)")]
    [InlineData(404, "Not Found", "", "ProxmoxNotFound", FailureKind.ObjectNotFound, "404")]
    [InlineData(500, "Configuration file 'nodes/pve1/qemu-server/101.conf' does not exist", """{"data":null}""", "ProxmoxNotFound", FailureKind.ObjectNotFound, "101.conf")]
    [InlineData(500, "cluster not ready - no quorum?", """{"data":null}""", "ProxmoxNoQuorum", FailureKind.ResourceUnavailable, "no quorum")]
    [InlineData(500, "Internal Server Error", """{"data":null,"message":"VM 101 is locked (backup)\n"}""", "ProxmoxServerError", FailureKind.InvalidOperation, "VM 101 is locked (backup)")]
    [InlineData(596, "Broken pipe", "", "ProxmoxServerError", FailureKind.InvalidOperation, "596 Broken pipe")]
    [InlineData(501, "Method 'GET /nodes/pve1/qemu/101/config' not implemented", "", "ProxmoxNotImplemented", FailureKind.InvalidOperation, "not implemented")]
    [InlineData(400, "Parameter verification failed.", """{"errors":{"vmid":"invalid format"},"data":null}""", "ProxmoxBadRequest", FailureKind.InvalidArgument, "vmid: invalid format")]
    public async Task Http_errors_map_to_distinct_ids_with_the_node_as_target(int status, string reason, string body, string errorId, FailureKind kind, string messagePart)
    {
        var handler = new FakeProxmoxHandler(_ => FakeProxmoxHandler.Json(body, (HttpStatusCode)status, reason));
        using var client = handler.Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetVmConfigAsync("pve1", 101));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(kind, error.Kind);
        Assert.Equal("pve1", error.Target);
        Assert.Contains(messagePart, error.Message);
        Assert.DoesNotContain(ProxmoxTestSecrets.TokenSecret, error.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Cluster_calls_name_the_endpoint_as_target()
    {
        var handler = new FakeProxmoxHandler(_ => FakeProxmoxHandler.Json("", HttpStatusCode.Unauthorized, "invalid token value!"));
        using var client = handler.Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetClusterStatusAsync());

        Assert.Equal(("ProxmoxUnauthorized", "pve1.example:8006"), (error.ErrorId, error.Target));
        Assert.Contains("haedge@pve!edge", error.Message);
    }

    [Fact]
    public async Task A_malformed_nic_names_the_vm_and_node()
    {
        using var client = new FakeProxmoxHandler(_ => Ok("""{"data":{"net0":"virtio=BC:24:11:2E:C5:4A,tag=ten"}}""")).Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetVmConfigAsync("pve1", 101));

        Assert.Equal(("ProxmoxInvalidNetDevice", FailureKind.InvalidData, "pve1"), (error.ErrorId, error.Kind, error.Target));
        Assert.StartsWith("VM 101 on pve1: net0", error.Message);
    }

    [Fact]
    public async Task A_body_without_data_is_invalid()
    {
        using var client = new FakeProxmoxHandler(_ => Ok("<html>proxy error</html>")).Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetNodesAsync());

        Assert.Equal(("ProxmoxInvalidResponse", FailureKind.InvalidData), (error.ErrorId, error.Kind));
    }

    [Fact]
    public async Task Booleans_as_strings_integers_and_json_literals()
    {
        const string status = """
            {"data":[{"type":"cluster","name":"edge","quorate":"1","nodes":"2"},
                     {"type":"node","name":"pve1","nodeid":"1","online":true,"local":"0","ip":"10.0.0.1"},
                     {"type":"node","name":"pve2","nodeid":2,"online":0,"local":1}]}
            """;
        const string firewall = """{"data":{"enable":true,"macfilter":"0","ipfilter":1,"ndp":false,"dhcp":"1","radv":"0"}}""";
        var handler = new FakeProxmoxHandler(request => Ok(request.RequestUri!.AbsolutePath.EndsWith("/options") ? firewall : status));
        using var client = handler.Client();

        var cluster = await client.GetClusterStatusAsync();
        Assert.True(cluster.Quorate);
        Assert.Equal(2, cluster.NodeCount);
        Assert.Equal((true, false, 1), (cluster.Nodes[0].Online, cluster.Nodes[0].Local, cluster.Nodes[0].NodeId!.Value));
        Assert.Equal((false, true), (cluster.Nodes[1].Online, cluster.Nodes[1].Local));

        var options = await client.GetVmFirewallOptionsAsync("pve1", 101);
        Assert.Equal((true, false, true, false, true, false), (options.Enable, options.MacFilter, options.IpFilter, options.Ndp, options.Dhcp, options.Radv));
    }

    [Fact]
    public async Task A_lost_quorum_reads_as_not_quorate_and_a_standalone_node_as_quorate()
    {
        var answers = new Queue<string>(new[]
        {
            """{"data":[{"type":"cluster","name":"edge","quorate":0,"nodes":2},{"type":"node","name":"pve1","online":1,"local":1}]}""",
            """{"data":[{"type":"node","name":"pve1","online":1,"local":1,"ip":"10.0.0.1"}]}""",
        });
        using var client = new FakeProxmoxHandler(_ => Ok(answers.Dequeue())).Client();

        Assert.False((await client.GetClusterStatusAsync()).Quorate);
        var standalone = await client.GetClusterStatusAsync();
        Assert.True(standalone.Quorate);
        Assert.False(standalone.IsCluster);
        Assert.Null(standalone.ClusterName);
    }

    private const string RunningTask = """{"data":{"status":"running","upid":"UPID:pve2:00000001:00000001:66F2A1B3:qmstart:101:haedge@pve!edge:"}}""";
    private static readonly Upid StartTask = Upid.Parse("UPID:pve2:00000001:00000001:66F2A1B3:qmstart:101:haedge@pve!edge:");

    [Fact]
    public async Task Waits_for_a_task_until_it_stops_ok()
    {
        var answers = new Queue<string>(new[] { RunningTask, RunningTask, """{"data":{"status":"stopped","exitstatus":"OK"}}""" });
        var handler = new FakeProxmoxHandler(_ => Ok(answers.Dequeue()));
        using var client = handler.Client();

        var status = await client.WaitForTaskAsync(StartTask, TimeSpan.FromSeconds(30));

        Assert.True(status.Succeeded);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, request => Assert.Equal(
            "/api2/json/nodes/pve2/tasks/UPID%3Apve2%3A00000001%3A00000001%3A66F2A1B3%3Aqmstart%3A101%3Ahaedge%40pve%21edge%3A/status",
            request.Uri.AbsolutePath));
    }

    [Fact]
    public async Task A_task_that_stops_with_an_error_fails_with_its_exit_text()
    {
        var answers = new Queue<string>(new[] { RunningTask, """{"data":{"status":"stopped","exitstatus":"start failed: QEMU exited with code 1"}}""" });
        using var client = new FakeProxmoxHandler(_ => Ok(answers.Dequeue())).Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.WaitForTaskAsync(StartTask, TimeSpan.FromSeconds(30)));

        Assert.Equal(("ProxmoxTaskFailed", FailureKind.InvalidOperation, "pve2"), (error.ErrorId, error.Kind, error.Target));
        Assert.Contains("start failed: QEMU exited with code 1", error.Message);
    }

    [Fact]
    public async Task A_task_that_keeps_running_times_out()
    {
        using var client = new FakeProxmoxHandler(_ => Ok(RunningTask)).Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.WaitForTaskAsync(StartTask, TimeSpan.FromMilliseconds(100)));

        Assert.Equal(("ProxmoxTaskTimeout", FailureKind.OperationTimeout), (error.ErrorId, error.Kind));
    }

    [Fact]
    public async Task Power_calls_post_and_return_the_task()
    {
        var handler = new FakeProxmoxHandler(_ => Ok("""{"data":"UPID:pve1:00000AAA:00000BBB:66F2A1B3:qmshutdown:101:haedge@pve!edge:"}"""));
        using var client = handler.Client();

        var upid = await client.ShutdownVmAsync("pve1", 101, TimeSpan.FromSeconds(60), forceStop: true);
        await client.StartVmAsync("pve1", 101);
        await client.StopVmAsync("pve1", 101);

        Assert.Equal(("pve1", "qmshutdown"), (upid.Node, upid.Type));
        Assert.Equal(new[] { "status/shutdown", "status/start", "status/stop" }, handler.Requests.Select(request => string.Join("/", request.Uri.Segments[^2..]).Replace("//", "/")));
        Assert.All(handler.Requests, request => Assert.Equal(HttpMethod.Post, request.Method));
        Assert.Equal("timeout=60&forceStop=1", handler.Requests[0].Body);
    }

    [Fact]
    public async Task Sets_one_nic_with_the_config_digest()
    {
        var handler = new FakeProxmoxHandler(_ => Ok("""{"data":null}"""));
        using var client = handler.Client();
        var nic = NetDeviceParser.Parse("virtio=BC:24:11:2E:C5:4A,bridge=vmbr1,firewall=1", 1);

        await client.SetNetDeviceAsync("pve1", 101, nic.WithLinkDown(true), "abc123");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("/api2/json/nodes/pve1/qemu/101/config", request.Uri.AbsolutePath);
        Assert.Equal("net1=virtio%3DBC%3A24%3A11%3A2E%3AC5%3A4A%2Cbridge%3Dvmbr1%2Cfirewall%3D1%2Clink_down%3D1&digest=abc123", request.Body);
    }

    [Fact]
    public async Task Creates_updates_and_deletes_an_anti_affinity_rule()
    {
        var handler = new FakeProxmoxHandler(_ => Ok("""{"data":null}"""));
        using var client = handler.Client();
        var rule = new HaRule
        {
            Rule = "haedge-keep-apart",
            Type = HaRuleType.ResourceAffinity,
            Resources = new[] { "vm:101", "vm:102" },
            Affinity = HaAffinity.Negative,
            Comment = "pfSense pair",
        };

        await client.CreateHaRuleAsync(rule);
        await client.UpdateHaRuleAsync(rule with { Disabled = true, Digest = "d1" });
        await client.DeleteHaRuleAsync("haedge-keep-apart");

        Assert.Equal(new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete }, handler.Requests.Select(request => request.Method));
        Assert.Equal("/api2/json/cluster/ha/rules", handler.Requests[0].Uri.AbsolutePath);
        Assert.Equal("rule=haedge-keep-apart&type=resource-affinity&resources=vm%3A101%2Cvm%3A102&affinity=negative&comment=pfSense+pair", handler.Requests[0].Body);
        Assert.Equal("/api2/json/cluster/ha/rules/haedge-keep-apart", handler.Requests[1].Uri.AbsolutePath);
        Assert.Equal("type=resource-affinity&resources=vm%3A101%2Cvm%3A102&affinity=negative&comment=pfSense+pair&disable=1&digest=d1", handler.Requests[1].Body);
        Assert.Equal("/api2/json/cluster/ha/rules/haedge-keep-apart", handler.Requests[2].Uri.AbsolutePath);
    }

    [Fact]
    public async Task Enabling_a_rule_deletes_disable_because_PVE_9_ignores_disable_0()
    {
        var handler = new FakeProxmoxHandler(_ => Ok("""{"data":null}"""));
        using var client = handler.Client();

        await client.UpdateHaRuleAsync(new HaRule
        {
            Rule = "fw-apart", Type = HaRuleType.ResourceAffinity, Resources = new[] { "vm:101", "vm:102" }, Affinity = HaAffinity.Negative, Digest = "d2",
        });

        Assert.Equal("type=resource-affinity&resources=vm%3A101%2Cvm%3A102&affinity=negative&delete=disable&digest=d2", handler.Requests.Single().Body);
    }

    [Fact]
    public async Task Pins_a_VM_with_a_restricted_group_on_PVE_8()
    {
        var handler = new FakeProxmoxHandler(_ => Ok("""{"data":null}"""));
        using var client = handler.Client();

        await client.CreateHaGroupAsync(new HaGroup { Group = "haedge-101-pve1", Nodes = new[] { new HaNodePriority("pve1") }, Restricted = true, Comment = "fw1 only" });
        await client.SetHaResourceGroupAsync("vm:101", "haedge-101-pve1");

        Assert.Equal((HttpMethod.Post, "/api2/json/cluster/ha/groups"), (handler.Requests[0].Method, handler.Requests[0].Uri.AbsolutePath));
        Assert.Equal("group=haedge-101-pve1&nodes=pve1&restricted=1&nofailback=0&comment=fw1+only", handler.Requests[0].Body);
        Assert.Equal((HttpMethod.Put, "/api2/json/cluster/ha/resources/vm%3A101"), (handler.Requests[1].Method, handler.Requests[1].Uri.AbsolutePath));
        Assert.Equal("group=haedge-101-pve1", handler.Requests[1].Body);
    }

    [Fact]
    public async Task Node_affinity_rules_send_nodes_with_priorities()
    {
        var handler = new FakeProxmoxHandler(_ => Ok("""{"data":null}"""));
        using var client = handler.Client();

        await client.CreateHaRuleAsync(new HaRule
        {
            Rule = "fw1-home",
            Type = HaRuleType.NodeAffinity,
            Resources = new[] { "vm:101" },
            Nodes = new[] { new HaNodePriority("pve1", 2), new HaNodePriority("pve2", 1) },
            Strict = true,
        });

        Assert.Equal("rule=fw1-home&type=node-affinity&resources=vm%3A101&nodes=pve1%3A2%2Cpve2%3A1&strict=1", handler.Requests.Single().Body);
    }

    [Fact]
    public async Task A_rule_without_affinity_is_refused_before_sending()
    {
        var handler = new FakeProxmoxHandler(_ => Ok("""{"data":null}"""));
        using var client = handler.Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.CreateHaRuleAsync(new HaRule
        {
            Rule = "r", Type = HaRuleType.ResourceAffinity, Resources = new[] { "vm:101", "vm:102" },
        }));

        Assert.Equal(("ProxmoxInvalidHaRule", FailureKind.InvalidArgument), (error.ErrorId, error.Kind));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_proxmox_text_that_ends_in_a_period_ends_the_message_with_one()
    {
        // PVE 9's Rules.pm over VMs outside HA: the text, ending in '.', in the status line and again in the body.
        const string Text = "create ha rule failed: cannot use unmanaged resource(s) vm:101, vm:102.";
        using var client = new FakeProxmoxHandler(_ => FakeProxmoxHandler.Json("{\"data\":null,\"message\":\"" + Text + "\\n\"}",
            HttpStatusCode.InternalServerError, Text)).Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.CreateHaRuleAsync(new HaRule
        {
            Rule = "haedge-fw", Type = HaRuleType.ResourceAffinity, Affinity = HaAffinity.Negative, Resources = new[] { "vm:101", "vm:102" },
        }));

        Assert.Equal("Proxmox failed POST /cluster/ha/rules: 500 " + Text, error.Message);
    }

    [Fact]
    public async Task Ha_groups_migrated_to_rules_read_as_none()
    {
        // PVE 9's Groups.pm index: dies whenever no groups are left (Config.pm have_groups_been_migrated).
        using var client = new FakeProxmoxHandler(_ => FakeProxmoxHandler.Json("""{"data":null,"message":"cannot index groups: ha groups have been migrated to rules\n"}""",
            HttpStatusCode.InternalServerError, "cannot index groups: ha groups have been migrated to rules")).Client();

        Assert.Empty(await client.GetHaGroupsAsync());
    }

    [Theory]
    [InlineData("ab:cd", "certificateSha256")]
    [InlineData("zz" + "00000000000000000000000000000000000000000000000000000000000000", "certificateSha256")]
    public void Refuses_a_malformed_pin(string pin, string key)
    {
        var endpoint = new Uri("https://pve1:8006");
        var error = Assert.Throws<HaEdgeException>(() => new ProxmoxClientOptions(new[] { endpoint }, "a@pve!b", "s", new Dictionary<string, string> { [endpoint.Authority] = pin }));

        Assert.Equal(("ProxmoxInvalidOptions", FailureKind.InvalidArgument, key), (error.ErrorId, error.Kind, error.Target));
    }

    [Theory]
    [InlineData("https://pve1:8006", "haedge@pve", "secret", "tokenId")]
    [InlineData("https://pve1:8006", "haedge@pve!edge", "", "tokenSecret")]
    [InlineData("https://pve1:8006", "haedge@pve!edge", "two words", "tokenSecret")]
    [InlineData("ftp://pve1", "haedge@pve!edge", "secret", "endpoints")]
    [InlineData("http://pve1:8006", "haedge@pve!edge", "secret", "endpoints")]
    public void Refuses_bad_settings_without_echoing_the_secret(string endpoint, string tokenId, string secret, string key)
    {
        var error = Assert.Throws<HaEdgeException>(() => new ProxmoxClientOptions(new[] { new Uri(endpoint) }, tokenId, secret));

        Assert.Equal(key, error.Target);
        if (secret.Length > 0) Assert.DoesNotContain(secret, error.Message);
    }

    [Fact]
    public void A_pin_binds_to_one_of_the_endpoints_and_one_endpoint_has_one_pin()
    {
        var pve1 = new Uri("https://pve1:8006");
        var a = string.Concat(Enumerable.Repeat("0A", 32));
        var b = string.Concat(Enumerable.Repeat("0B", 32));

        var stranger = Assert.Throws<HaEdgeException>(() => new ProxmoxClientOptions(new[] { pve1 }, "a@pve!b", "s",
            new Dictionary<string, string> { ["pve2:8006"] = a }));
        var twice = Assert.Throws<HaEdgeException>(() => new ProxmoxClientOptions(new[] { pve1 }, "a@pve!b", "s",
            new Dictionary<string, string> { ["pve1:8006"] = a, ["PVE1:8006"] = b }));

        Assert.Equal(("ProxmoxInvalidOptions", "certificateSha256"), (stranger.ErrorId, stranger.Target));
        Assert.Contains("'pve2:8006' is not the host:port of one of the endpoints", stranger.Message, StringComparison.Ordinal);
        Assert.Contains("pve1:8006 has two different pins", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalizes_the_pin_to_upper_case_with_colons()
    {
        var hex = string.Concat(Enumerable.Repeat("ab", 32));
        var options = new ProxmoxClientOptions(new[] { new Uri("https://pve1:8006") }, "haedge@pve!edge", "s",
            new Dictionary<string, string> { ["PVE1:8006"] = hex });

        Assert.Equal(new Dictionary<string, string> { ["pve1:8006"] = string.Join(":", Enumerable.Repeat("AB", 32)) }, options.CertificatePins);
        Assert.Equal(options.CertificatePins["pve1:8006"], options.PinFor(new Uri("https://pve1:8006/api2/json")));
        Assert.Null(options.PinFor(new Uri("https://pve2:8006")));
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
    }
}
