using System.Net;
using System.Security;
using System.Text;
using HaEdge.Core.Carp;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Failover.Adapters;
using HaEdge.Core.PfSense;
using Xunit;
using static HaEdge.Core.Tests.Carp.CarpSamples;
using HaEdge.Core.Tests.Carp;
using HaEdge.Core.Tests.Proxmox;
using HaEdge.Core.Tests.Sync;

namespace HaEdge.Core.Tests.Security;

/// <summary>
/// What a device or a server says (a command's stdout and stderr, an HTTP reason phrase or body, an XML-RPC fault)
/// reaches an error message as one line with no control character in it: nothing that moves the terminal's cursor,
/// clears it, recolours it or starts a line of its own that reads like HaEdge's (issue 20).
/// </summary>
public class DeviceTextInMessagesTests
{
    /// <summary>A line that clears the screen, homes the cursor, rings, and forges a line of its own.</summary>
    private const string Forged = "fw2: all VIPs MASTER, nothing to do";

    private const string Hostile = "denied\u001b[2J\u001b[H\r\n" + Forged + "\u0007\n";

    private static void AssertOneCleanLine(string message)
    {
        Assert.DoesNotContain(message, char.IsControl);
        Assert.DoesNotContain("[2J", message, StringComparison.Ordinal);
        // Still said, but on the message's own line.
        Assert.Contains("denied " + Forged, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxmox_error_whose_status_line_and_body_carry_escapes_and_new_lines()
    {
        // A status line cannot hold CR or LF, so the line break travels in the body's message, as PVE repeats its text there.
        using var client = new FakeProxmoxHandler(_ => FakeProxmoxHandler.Json(
            "{\"data\":null,\"message\":\"" + Hostile.Replace("\u001b", "\\u001b").Replace("\r", "\\r").Replace("\n", "\\n").Replace("\u0007", "\\u0007") + "\"}",
            HttpStatusCode.InternalServerError, "refused\u001b[31m\u001b]0;owned\u0007")).Client();

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.GetHaResourcesAsync());

        Assert.Equal("ProxmoxServerError", error.ErrorId);
        AssertOneCleanLine(error.Message);
        Assert.StartsWith("Proxmox failed GET /cluster/ha/resources: 500 refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_firewall_command_whose_stderr_carries_escapes_and_new_lines()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.AnswerWithErrors("fw2", command => command == "ifconfig" ? (0, Fw2Backup, "") : (1, "", Hostile));

        var report = await new CarpStatusService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(30))).ReadAsync(CancellationToken.None);

        var failure = Assert.Single(report.Failures);
        Assert.Equal("PfSenseCommandFailed", failure.ErrorId);
        AssertOneCleanLine(failure.Message);
    }

    [Fact]
    public async Task Output_a_parser_cannot_read_is_quoted_without_its_escapes()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", CarpAnswers(Fw1Master, Fw1Sysctl));
        fake.Answer("fw2", CarpAnswers(Hostile, FromSourceSysctlHealthy));

        var report = await new CarpStatusService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(30))).ReadAsync(CancellationToken.None);

        // The lines it skipped are named in the message, each as one clean line of its own quote.
        var failure = Assert.Single(report.Failures);
        Assert.Equal("PfSenseOutputUnparsable", failure.ErrorId);
        Assert.DoesNotContain(failure.Message, char.IsControl);
        Assert.Contains("line 1 'denied' (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("line 2 '" + Forged + "\uFFFD' (", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maintenance_mode_whose_playback_prints_escapes_and_new_lines()
    {
        var fake = new FakeFirewalls();
        // pfSsh.php prints its errors on stdout.
        fake.Answer("fw1", command => command == PfSenseCommands.EnableMaintenance ? (0, "Error: " + Hostile) : (127, ""));
        var service = new CarpMaintenanceService(new FirewallShell(fake.Session(), TimeSpan.FromSeconds(2)));

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => service.SetAsync(fake.Session().Definition.Primary, enable: true, wait: false,
            TimeSpan.FromSeconds(2), SilentReporter.Instance, CancellationToken.None));

        Assert.Equal("CarpMaintenanceCommandFailed", error.ErrorId);
        AssertOneCleanLine(error.Message);
    }

    [Fact]
    public async Task A_gateway_force_down_that_answers_escapes_and_new_lines()
    {
        var fake = new FakeFirewalls();
        fake.Answer("fw1", _ => (1, "Error: " + Hostile));
        var edge = new SessionEdge(fake.Session(), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => edge.SetForceDownAsync("fw1", "WAN_DHCP", down: true, CancellationToken.None));

        Assert.Equal("GatewayForceDownFailed", error.ErrorId);
        AssertOneCleanLine(error.Message);
    }

    [Fact]
    public void An_xml_rpc_fault_string_with_new_lines_and_a_c1_escape()
    {
        // XML 1.0 admits no C0 control but TAB, CR and LF; C1 controls (U+009B is CSI on 8-bit terminals) it does admit.
        var fault = XmlRpcCodecTests.Fault(1, SecurityElement.Escape("denied\u009b2J\r\n" + Forged + "\u0085"));

        var error = Assert.Throws<HaEdgeException>(() => XmlRpcCodec.DecodeResponse(fault, "fw2"));

        Assert.Equal("XmlRpcFault", error.ErrorId);
        AssertOneCleanLine(error.Message);
    }

    [Fact]
    public async Task An_xml_rpc_http_error_whose_reason_phrase_carries_an_escape()
    {
        using var client = new PfXmlRpcClient(new PfXmlRpcClientOptions(new Uri("https://192.0.2.2/xmlrpc.php"), "hasync", "not-the-password", "fw1"),
            new ReasonHandler("Bad Gateway\u001b[2J\u001b[H"));

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());

        Assert.Equal("XmlRpcHttpError", error.ErrorId);
        Assert.DoesNotContain(error.Message, char.IsControl);
        Assert.Contains("HTTP 502 Bad Gateway (", error.Message, StringComparison.Ordinal);
    }

    private sealed class ReasonHandler(string reason) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway) { ReasonPhrase = reason, Content = new StringContent("", Encoding.UTF8) });
    }
}
