using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

public class PfXmlRpcClientTests
{
    private const string Password = "s3cret-Pa55";
    private static readonly string FirmwareBody = RealFixture.Body("pfsense-xmlrpc/slamdev-host_firmware_version-response-2.7.0.xml.txt");
    private static readonly string NatBody = RealFixture.Body("pfsense-xmlrpc/slamdev-backup_config_section-nat-response.xml.txt");

    private static PfXmlRpcClientOptions Options(string url = "https://192.0.2.2/xmlrpc.php") =>
        new(new Uri(url), "hasync", Password, "fw1") { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Firmware_call_posts_a_method_call_with_basic_auth()
    {
        var handler = new FakeHandler(_ => Xml(FirmwareBody));
        using var client = new PfXmlRpcClient(Options(), handler);

        var info = await client.HostFirmwareVersionAsync();

        Assert.Equal("22.9", info.ConfigVersion);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://192.0.2.2/xmlrpc.php", request.Uri.ToString());
        Assert.Equal("Basic", request.Authorization!.Scheme);
        Assert.Equal("hasync:" + Password, Encoding.UTF8.GetString(Convert.FromBase64String(request.Authorization.Parameter!)));
        Assert.Equal("text/xml", request.ContentType);

        var call = XDocument.Parse(request.Body).Root!;
        Assert.Equal("pfsense.host_firmware_version", call.Element("methodName")!.Value);
        var values = call.Element("params")!.Elements("param").Select(p => p.Element("value")!.Elements().Single()).ToList();
        Assert.Equal(new[] { "string", "int" }, values.Select(v => v.Name.LocalName));
        Assert.Equal("5", values[1].Value);
    }

    [Fact]
    public async Task Backup_call_sends_the_section_list_and_returns_the_sections()
    {
        var handler = new FakeHandler(_ => Xml(NatBody));
        using var client = new PfXmlRpcClient(Options(), handler);

        var sections = await client.BackupConfigSectionAsync(new[] { "nat" });

        Assert.Equal(new[] { "nat" }, sections.Keys);
        var call = XDocument.Parse(Assert.Single(handler.Requests).Body).Root!;
        Assert.Equal("pfsense.backup_config_section", call.Element("methodName")!.Value);
        var param = Assert.Single(call.Element("params")!.Elements("param"));
        Assert.Equal("nat", param.Descendants("string").Single().Value);
    }

    [Fact]
    public void Client_offers_no_exec_methods()
    {
        var names = typeof(PfXmlRpcClient).GetMethods().Select(m => m.Name).ToList();
        Assert.DoesNotContain(names, n => n.Contains("Exec", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(-1, "XmlRpcAuthenticationFailed", FailureKind.AuthenticationError)]
    [InlineData(-2, "XmlRpcNotPermitted", FailureKind.PermissionDenied)]
    [InlineData(-32601, "XmlRpcMethodNotFound", FailureKind.InvalidOperation)]
    public async Task Faults_surface_with_the_firewall_as_target(int code, string errorId, FailureKind kind)
    {
        using var client = new PfXmlRpcClient(Options(), new FakeHandler(_ => Xml(XmlRpcCodecTests.Fault(code, "refused"))));

        var e = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());

        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(kind, e.Kind);
        Assert.Equal("fw1", e.Target);
        Assert.DoesNotContain(Password, e.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "XmlRpcUnauthorized", FailureKind.AuthenticationError)]
    [InlineData(HttpStatusCode.Forbidden, "XmlRpcForbidden", FailureKind.PermissionDenied)]
    [InlineData(HttpStatusCode.BadGateway, "XmlRpcHttpError", FailureKind.ConnectionError)]
    public async Task Http_errors_map_to_distinct_errors(HttpStatusCode status, string errorId, FailureKind kind)
    {
        using var client = new PfXmlRpcClient(Options(), new FakeHandler(_ => new HttpResponseMessage(status)));

        var e = await Assert.ThrowsAsync<HaEdgeException>(() => client.BackupConfigSectionAsync(new[] { "filter" }));

        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(kind, e.Kind);
        Assert.Equal("fw1", e.Target);
        Assert.DoesNotContain(Password, e.Message);
    }

    [Fact]
    public async Task Unreachable_is_a_connection_error()
    {
        using var client = new PfXmlRpcClient(Options(), new FakeHandler(_ => throw new HttpRequestException("Connection refused")));

        var e = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());

        Assert.Equal("XmlRpcUnreachable", e.ErrorId);
        Assert.Equal(FailureKind.ConnectionError, e.Kind);
    }

    [Fact]
    public async Task A_silent_firewall_times_out_and_the_caller_can_still_cancel()
    {
        var options = Options();
        options.Timeout = TimeSpan.FromMilliseconds(200);
        using var client = new PfXmlRpcClient(options, new FakeHandler(null));

        var e = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());
        Assert.Equal("XmlRpcTimeout", e.ErrorId);
        Assert.Equal(FailureKind.OperationTimeout, e.Kind);

        options.Timeout = TimeSpan.FromSeconds(30);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var patient = new PfXmlRpcClient(options, new FakeHandler(null));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.HostFirmwareVersionAsync(cancel.Token));
    }

    [Theory]
    [InlineData("http://192.0.2.2/xmlrpc.php")]
    [InlineData("ftp://192.0.2.2/xmlrpc.php")]
    public void Only_https_urls_are_accepted(string url)
    {
        var e = Assert.Throws<HaEdgeException>(() => Options(url));
        Assert.Equal("XmlRpcInvalidUrl", e.ErrorId);
        Assert.Equal("fw1", e.Target);
    }

    [Fact]
    public void Options_never_print_the_password()
    {
        Assert.DoesNotContain(Password, Options().ToString());
        Assert.Null(typeof(PfXmlRpcClientOptions).GetProperty("Password"));
    }

    [Fact]
    public async Task Pinned_certificate_is_accepted_and_a_wrong_pin_or_no_pin_is_rejected()
    {
        using var certificate = SelfSigned();
        using var server = new TlsServer(certificate, FirmwareBody);
        var url = $"https://127.0.0.1:{server.Port}/xmlrpc.php";
        // Real TLS handshakes: room for a loaded machine, so that only the pin decides.
        PfXmlRpcClientOptions Patient(string url) => new(new Uri(url), "hasync", Password, "fw1") { Timeout = TimeSpan.FromSeconds(30) };

        var pinned = Patient(url);
        pinned.CertificateSha256 = CertificatePin.Compute(certificate).ToLowerInvariant().Replace(":", "");
        using (var client = new PfXmlRpcClient(pinned))
            Assert.Equal("2.7.0-RELEASE", (await client.HostFirmwareVersionAsync()).FirmwareVersion);

        var wrong = Patient(url);
        wrong.CertificateSha256 = string.Join(":", Enumerable.Repeat("AB", 32));
        using (var client = new PfXmlRpcClient(wrong))
        {
            var e = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());
            Assert.Equal("XmlRpcCertificateRejected", e.ErrorId);
            Assert.Equal(FailureKind.SecurityError, e.Kind);
        }

        using (var client = new PfXmlRpcClient(Patient(url)))
        {
            var e = await Assert.ThrowsAsync<HaEdgeException>(() => client.HostFirmwareVersionAsync());
            Assert.Equal("XmlRpcCertificateRejected", e.ErrorId);
        }
        Assert.Equal(1, server.Served);
    }

    [Theory]
    [InlineData("ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("sha256 Fingerprint=AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    public void Pins_normalize_to_colon_hex(string pin)
    {
        Assert.Equal("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
            CertificatePin.Normalize(pin));
    }

    [Theory]
    [InlineData("AB:CD")]
    [InlineData("ZZCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public void Bad_pins_are_invalid_arguments(string pin)
    {
        Assert.Equal("InvalidCertificatePin", Assert.Throws<HaEdgeException>(() => CertificatePin.Parse(pin)).ErrorId);
    }

    private static HttpResponseMessage Xml(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pfsense-test", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Round-trip through PKCS#12 so SslStream gets a certificate with a usable private key on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private sealed record RecordedRequest(HttpMethod Method, Uri Uri, AuthenticationHeaderValue? Authorization, string? ContentType, string Body);

    /// <summary>Answers with the given function, or never (until cancelled) when it is null.</summary>
    private sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage>? respond) : HttpMessageHandler
    {
        public List<RecordedRequest> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization,
                request.Content?.Headers.ContentType?.MediaType, body));
            if (respond == null) await Task.Delay(Timeout.Infinite, cancellationToken);
            return respond!(request);
        }
    }

    /// <summary>A one-certificate HTTPS server on 127.0.0.1 that answers every request with one XML body.</summary>
    private sealed class TlsServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly X509Certificate2 certificate;
        private readonly string body;
        private int served;

        public TlsServer(X509Certificate2 certificate, string body)
        {
            this.certificate = certificate;
            this.body = body;
            listener.Start();
            _ = AcceptLoop();
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        /// <summary>Requests read after a completed handshake, counted before the answer is written: a client that has its answer sees it counted.</summary>
        public int Served => Volatile.Read(ref served);

        private async Task AcceptLoop()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient connection;
                try { connection = await listener.AcceptTcpClientAsync(stop.Token); }
                catch (Exception) { return; }
                _ = Serve(connection);
            }
        }

        private async Task Serve(TcpClient connection)
        {
            using (connection)
            using (var tls = new SslStream(connection.GetStream()))
            {
                try
                {
                    await tls.AuthenticateAsServerAsync(certificate);
                    if (!await ReadRequest(tls)) return;
                    Interlocked.Increment(ref served);
                    var content = Encoding.UTF8.GetBytes(body);
                    var head = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
                    await tls.WriteAsync(head);
                    await tls.WriteAsync(content);
                }
                catch (Exception)
                {
                    // A rejected handshake ends here; the client side asserts on it.
                }
            }
        }

        /// <summary>Reads one request; false when the client closed before its headers ended.</summary>
        private static async Task<bool> ReadRequest(Stream stream)
        {
            var buffer = new List<byte>();
            var one = new byte[1];
            while (!EndsWithBlankLine(buffer) && await stream.ReadAsync(one) == 1) buffer.Add(one[0]);
            if (!EndsWithBlankLine(buffer)) return false;
            var headers = Encoding.ASCII.GetString(buffer.ToArray());
            var length = headers.Split("\r\n").Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(h => int.Parse(h.Substring("Content-Length:".Length).Trim())).FirstOrDefault();
            var body = new byte[length];
            var read = 0;
            while (read < length)
            {
                var n = await stream.ReadAsync(body.AsMemory(read));
                if (n == 0) return false;
                read += n;
            }

            return true;
        }

        private static bool EndsWithBlankLine(List<byte> b) =>
            b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            stop.Dispose();
        }
    }
}
