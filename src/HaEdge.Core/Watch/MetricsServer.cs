using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Watch;

/// <summary>
/// Serves the metrics for Prometheus to scrape: <c>GET /metrics</c> over HTTP/1.1, one request per connection. Small
/// on purpose: it reads one request head (bounded in size and time) and answers with the latest text, a 404 for any
/// other path and a 405 for any other method. It binds where it is told (loopback by default, in the cmdlet).
/// </summary>
internal sealed class MetricsServer : IDisposable
{
    private const int MaxRequestHead = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpListener listener;
    private readonly Func<string?> metrics;

    /// <param name="metrics">The text to serve; null while there is none yet (then 503).</param>
    private MetricsServer(TcpListener listener, Func<string?> metrics)
    {
        this.listener = listener;
        this.metrics = metrics;
    }

    /// <summary>Where it listens (the port the system chose when asked for port 0).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndpoint;

    public Uri Url => new Uri($"http://{(EndPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + EndPoint.Address + "]" : EndPoint.Address.ToString())}:{EndPoint.Port}/metrics");

    /// <summary>Binds now, so a port in use fails here, before the watch starts.</summary>
    public static MetricsServer Start(IPAddress address, int port, Func<string?> metrics)
    {
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new HaEdgeException("MetricsPortUnavailable", FailureKind.ResourceUnavailable, $"Cannot serve metrics on {address}:{port}: {e.Message}", $"{address}:{port}");
        }

        return new MetricsServer(listener, metrics);
    }

    /// <summary>Answers requests until <paramref name="cancellationToken"/> ends; then stops listening.</summary>
    public async Task ServeAsync(CancellationToken cancellationToken)
    {
        using var stop = cancellationToken.Register(() => listener.Stop());
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && (e is SocketException || e is ObjectDisposedException))
            {
                return;
            }

            _ = AnswerAsync(client, cancellationToken);
        }
    }

    private async Task AnswerAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(RequestTimeout);
            using var closeOnTimeout = timeout.Token.Register(client.Dispose);
            try
            {
                var stream = client.GetStream();
                var requestLine = await ReadRequestHeadAsync(stream).ConfigureAwait(false);
                var (status, body) = Respond(requestLine, metrics());
                var payload = Encoding.UTF8.GetBytes(body);
                var head = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status}\r\nContent-Type: {(status.StartsWith("200", StringComparison.Ordinal) ? MetricsText.ContentType : "text/plain; charset=utf-8")}\r\n" +
                    $"Content-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, 0, head.Length, timeout.Token).ConfigureAwait(false);
                await stream.WriteAsync(payload, 0, payload.Length, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.IO.IOException || e is SocketException || e is ObjectDisposedException || e is OperationCanceledException)
            {
                // A client that went away or took too long: nothing to answer.
            }
        }
    }

    /// <summary>The status line and body for a request line (pure).</summary>
    internal static (string Status, string Body) Respond(string? requestLine, string? metricsText)
    {
        var parts = requestLine?.Split(' ');
        if (parts == null || parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal)) return ("400 Bad Request", "Bad request.\n");
        var path = parts[1].Split('?')[0];
        if (path != "/metrics") return ("404 Not Found", "Metrics are at /metrics.\n");
        if (parts[0] != "GET") return ("405 Method Not Allowed", "Only GET.\n");
        return metricsText == null ? ("503 Service Unavailable", "No reading yet.\n") : ("200 OK", metricsText);
    }

    /// <summary>The request line, after reading the whole head (to its blank line); null when it is too long or cut short.</summary>
    private static async Task<string?> ReadRequestHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[MaxRequestHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer, length, buffer.Length - length).ConfigureAwait(false);
            if (read == 0) return null;
            length += read;
            var head = Encoding.ASCII.GetString(buffer, 0, length);
            var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0) return head.Substring(0, head.IndexOf("\r\n", StringComparison.Ordinal));
        }

        return null;
    }

    public void Dispose() => listener.Stop();
}
