using System.Net;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Proxmox;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Security;

/// <summary>Issue 20: a hostile firewall's XML-RPC answer cannot crash the process, exhaust memory or redirect the call.</summary>
public class XmlRpcLimitsTests
{
    private static readonly string FirmwareBody = RealFixture.Body("pfsense-xmlrpc/slamdev-host_firmware_version-response-2.7.0.xml.txt");

    private static PfXmlRpcClientOptions Options(Uri url, string? pin) =>
        new(new Uri(url, "/xmlrpc.php"), "hasync", "s3cret-Pa55", "fw1") { CertificateSha256 = pin, Timeout = TimeSpan.FromSeconds(10) };

    private static string Nested(int depth, string open, string close, string inner) =>
        string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));

    [Fact]
    public void An_answer_nested_10000_arrays_deep_is_refused_cleanly()
    {
        var body = "<?xml version=\"1.0\"?><methodResponse><params><param>"
            + Nested(10_000, "<value><array><data>", "</data></array></value>", "<value><int>1</int></value>")
            + "</param></params></methodResponse>";

        var error = Assert.Throws<HaEdgeException>(() => XmlRpcCodec.DecodeResponse(body, "fw2"));

        Assert.Equal(("XmlNestedTooDeep", FailureKind.InvalidData, "fw2"), (error.ErrorId, error.Kind, error.Target));
        Assert.Equal("fw2: The XML-RPC response nests elements more than 256 deep; it was refused unread.", error.Message);
    }

    [Fact]
    public void A_config_xml_nested_10000_deep_is_refused_cleanly()
    {
        var error = Assert.Throws<HaEdgeException>(() => PfConfig.Parse("<pfsense>" + Nested(10_000, "<a>", "</a>", "x") + "</pfsense>", "fw2"));

        Assert.Equal("XmlNestedTooDeep", error.ErrorId);
    }

    [Fact]
    public void The_real_nat_section_answer_is_well_within_the_depth_limit()
    {
        var answer = XmlRpcCodec.DecodeResponse(RealFixture.Body("pfsense-xmlrpc/slamdev-backup_config_section-nat-response.xml.txt"));

        Assert.NotNull(ConfigTree.Select(answer, "nat/outbound"));
    }

    [Fact]
    public async Task An_answer_longer_than_its_cap_is_refused_by_its_content_length()
    {
        using var server = new LoopbackHttpsServer(FirmwareBody, headers: "Content-Type: text/xml\r\n");
        var options = Options(server.Endpoint, server.Sha256);
        options.MaxResponseBytes = 1024;
        using var client = new PfXmlRpcClient(options);

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());

        Assert.Equal(("XmlRpcResponseTooLarge", FailureKind.InvalidData), (error.ErrorId, error.Kind));
        Assert.StartsWith("fw1: pfsense.host_firmware_version answered with more than 1024 bytes; the answer was refused unread", error.Message);
    }

    [Fact]
    public async Task An_answer_of_unknown_length_is_cut_off_at_the_cap()
    {
        var sent = new CountingStream(length: 16 * 1024 * 1024);
        var options = Options(new Uri("https://192.0.2.2"), null);
        options.MaxResponseBytes = 64 * 1024;
        using var client = new PfXmlRpcClient(options, new StreamingHandler(sent));

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());

        Assert.Equal("XmlRpcResponseTooLarge", error.ErrorId);
        Assert.True(sent.Served < 1024 * 1024, $"read {sent.Served} bytes of an answer capped at 64 KiB");
    }

    [Fact]
    public async Task A_real_answer_within_the_cap_is_read()
    {
        using var server = new LoopbackHttpsServer(FirmwareBody, headers: "Content-Type: text/xml\r\n");
        using var client = new PfXmlRpcClient(Options(server.Endpoint, server.Sha256));

        Assert.Equal("2.7.0-RELEASE", (await client.HostFirmwareVersionAsync()).FirmwareVersion);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_names_its_location()
    {
        using var elsewhere = new LoopbackHttpsServer(FirmwareBody, headers: "Content-Type: text/xml\r\n");
        var location = new Uri(elsewhere.Endpoint, "/xmlrpc.php");
        // The same certificate, so only the redirect rule (never the pin) can stop the request reaching it.
        using var server = new LoopbackHttpsServer("", elsewhere.Certificate, "302 Found", $"Location: {location}\r\n");
        using var client = new PfXmlRpcClient(Options(server.Endpoint, server.Sha256));

        var error = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());

        Assert.Equal(("XmlRpcRedirected", FailureKind.ConnectionError), (error.ErrorId, error.Kind));
        Assert.Contains($"HTTP 302 Found to {location}; redirects are not followed", error.Message);
        Assert.DoesNotContain("\n", error.Message);
        Assert.Equal(0, elsewhere.Answered);
    }

    /// <summary>Answers every call with a body of unknown length (no Content-Length), as a chunked answer has.</summary>
    private sealed class StreamingHandler(Stream body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });
    }

    /// <summary>A non-seekable stream of spaces that counts what was read from it.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Served);
            Array.Fill(buffer, (byte)' ', offset, n);
            Served += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
