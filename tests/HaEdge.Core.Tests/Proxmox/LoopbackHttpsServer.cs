using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HaEdge.Core.Tests.Proxmox;

/// <summary>
/// A one-purpose HTTPS server on 127.0.0.1 with a fresh self-signed certificate: every connection gets one
/// HTTP/1.1 answer (JSON unless told otherwise) and is closed. Enough to exercise the real TLS handshake and HTTP
/// handling of ProxmoxClient and PfXmlRpcClient.
/// </summary>
internal sealed class LoopbackHttpsServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly string body;
    private readonly string status;
    private readonly string headers;
    private readonly bool ownsCertificate;
    private int answered;

    /// <param name="body">The body every request gets.</param>
    /// <param name="certificate">The certificate to present (another server's, for an impostor); a fresh one when null.</param>
    /// <param name="status">The status line's code and reason.</param>
    /// <param name="headers">More header lines, each ending in CRLF (a Location, another Content-Type).</param>
    public LoopbackHttpsServer(string body, X509Certificate2? certificate = null, string status = "200 OK", string headers = "Content-Type: application/json\r\n")
    {
        this.body = body;
        this.status = status;
        this.headers = headers;
        ownsCertificate = certificate == null;
        Certificate = certificate ?? CreateSelfSigned();
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public X509Certificate2 Certificate { get; }

    public Uri Endpoint => new($"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    /// <summary>
    /// Requests answered after a completed handshake: counted once the request is read, before its answer is written,
    /// so a client that has its answer always sees it counted.
    /// </summary>
    public int Answered => Volatile.Read(ref answered);

    public string Sha256 => Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        if (ownsCertificate) Certificate.Dispose();
        stop.Dispose();
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pve-loopback", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // A PFX round trip gives a key SslStream can use as a server on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(TcpClient connection)
    {
        using (connection)
        using (var tls = new SslStream(connection.GetStream()))
        {
            try
            {
                await tls.AuthenticateAsServerAsync(Certificate);
                if (!await ReadHeadersAsync(tls)) return;
                Interlocked.Increment(ref answered);
                var payload = Encoding.UTF8.GetBytes(body);
                var head = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status}\r\n{headers}Content-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
                await tls.WriteAsync(head);
                await tls.WriteAsync(payload);
                await tls.FlushAsync();
            }
            catch (Exception)
            {
                // The client refused our certificate: that is what the refusal tests expect.
            }
        }
    }

    /// <summary>Reads a request's headers; false when the client closed before sending them all.</summary>
    private static async Task<bool> ReadHeadersAsync(Stream stream)
    {
        var seen = new StringBuilder();
        var buffer = new byte[1024];
        while (!seen.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0) return false;
            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return true;
    }
}
