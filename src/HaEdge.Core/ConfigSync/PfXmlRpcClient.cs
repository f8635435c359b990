using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Session;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// pfSense's <c>/xmlrpc.php</c> over HTTPS with HTTP Basic auth and an optionally pinned certificate.
/// Only read-only methods exist here; exec_php and exec_shell are never called.
/// </summary>
internal sealed class PfXmlRpcClient : IPfXmlRpcClient, IDisposable
{
    private readonly PfXmlRpcClientOptions options;
    private readonly HttpClient http;

    /// <param name="options">URL, credentials, pin and timeout.</param>
    /// <param name="handler">Used as is and not disposed: the session's pooled connections, or a test's fake. Without it the client builds a pinned handler of its own.</param>
    public PfXmlRpcClient(PfXmlRpcClientOptions options, HttpMessageHandler? handler = null)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        http = handler == null
            ? new HttpClient(CertificatePin.CreateHandler(options.CertificateSha256), disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        // Our own linked token enforces the timeout so it can be told apart from the caller cancelling.
        http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
    }

    public async Task<PfFirmwareInfo> HostFirmwareVersionAsync(CancellationToken cancellationToken = default)
    {
        // pfSense's own sync client sends ("", timeout): host_firmware_version($dummy, $timeout) since 2.5.
        var result = await CallAsync("pfsense.host_firmware_version", cancellationToken, "", TimeoutSeconds).ConfigureAwait(false);
        if (!(result is IReadOnlyDictionary<string, object?>))
            throw InvalidResult("pfsense.host_firmware_version", result);
        return PfFirmwareInfo.FromXmlRpc(result);
    }

    public async Task<IReadOnlyDictionary<string, object?>> BackupConfigSectionAsync(IReadOnlyList<string> sections, CancellationToken cancellationToken = default)
    {
        if (sections == null || sections.Count == 0)
            throw new ArgumentException("At least one section name is required.", nameof(sections));

        // backup_config_section($section) takes exactly one argument: the list of top-level keys.
        var result = await CallAsync("pfsense.backup_config_section", cancellationToken, sections.ToList()).ConfigureAwait(false);
        switch (result)
        {
            case IReadOnlyDictionary<string, object?> found: return found;
            case List<object?> empty when empty.Count == 0: return new Dictionary<string, object?>(); // PHP's empty array
            default: throw InvalidResult("pfsense.backup_config_section", result);
        }
    }

    public void Dispose() => http.Dispose();

    private int TimeoutSeconds => Math.Max(1, (int)Math.Ceiling(options.Timeout.TotalSeconds));

    private async Task<object?> CallAsync(string method, CancellationToken cancellationToken, params object?[] parameters)
    {
        var target = options.Target;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        using (var request = new HttpRequestMessage(HttpMethod.Post, options.Url))
        {
            timeout.CancelAfter(options.Timeout);
            request.Content = new StringContent(XmlRpcCodec.EncodeCall(method, parameters), new UTF8Encoding(false), "text/xml");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(options.User + ":" + options.Password)));

            string body;
            try
            {
                using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false))
                {
                    ThrowOnHttpStatus(response, method);
                    body = await ReadBodyAsync(response.Content, method, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HaEdgeException("XmlRpcTimeout", FailureKind.OperationTimeout,
                    $"{target}: {method} did not answer within {options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s ({options.Url}).",
                    target, e);
            }
            catch (HttpRequestException e) when (FindInner<AuthenticationException>(e) != null)
            {
                throw new HaEdgeException("XmlRpcCertificateRejected", FailureKind.SecurityError,
                    $"{target}: the TLS certificate of {options.Url.Authority} was rejected" +
                    (options.CertificateSha256 == null ? " by platform validation (pin its SHA-256 if it is self-signed)." : " (it does not match the pinned SHA-256)."),
                    target, e);
            }
            catch (HttpRequestException e)
            {
                throw new HaEdgeException("XmlRpcUnreachable", FailureKind.ConnectionError,
                    $"{target}: cannot reach {options.Url}: {e.Message}", target, e);
            }

            return XmlRpcCodec.DecodeResponse(body, target);
        }
    }

    // Read up to the cap, so an endless or huge answer is refused before it is held in memory.
    private async Task<string> ReadBodyAsync(HttpContent content, string method, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > options.MaxResponseBytes) throw TooLarge(method);
        byte[] body;
        using (var stream = await content.ReadAsStreamAsync().ConfigureAwait(false))
            body = await BoundedRead.ReadAsync(stream, options.MaxResponseBytes, cancellationToken).ConfigureAwait(false) ?? throw TooLarge(method);
        // Decoded as HttpContent does it: the charset the answer names, else a BOM, else UTF-8.
        using (var bounded = new ByteArrayContent(body))
        {
            bounded.Headers.ContentType = content.Headers.ContentType;
            return await bounded.ReadAsStringAsync().ConfigureAwait(false);
        }
    }

    private HaEdgeException TooLarge(string method) =>
        new HaEdgeException("XmlRpcResponseTooLarge", FailureKind.InvalidData,
            $"{options.Target}: {method} answered with more than {options.MaxResponseBytes.ToString(CultureInfo.InvariantCulture)} bytes; the answer was refused unread ({options.Url}).",
            options.Target);

    private void ThrowOnHttpStatus(HttpResponseMessage response, string method)
    {
        if (response.IsSuccessStatusCode) return;
        var target = options.Target;
        var status = $"HTTP {(int)response.StatusCode} {UntrustedText.ForMessage(response.ReasonPhrase)}";
        if ((int)response.StatusCode >= 300 && (int)response.StatusCode < 400)
        {
            // A redirect is never followed: the credentials and the pin are for this URL alone.
            var location = response.Headers.Location?.OriginalString;
            throw new HaEdgeException("XmlRpcRedirected", FailureKind.ConnectionError,
                $"{target}: {method} was answered with {status} to {(location == null ? "no Location" : UntrustedText.ForMessage(location))}; redirects are not followed: set xmlrpc.url to the firewall's own xmlrpc.php ({options.Url}).",
                target);
        }
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                throw new HaEdgeException("XmlRpcUnauthorized", FailureKind.AuthenticationError,
                    $"{target}: {method} was refused with {status} for user '{options.User}'.", target);
            case HttpStatusCode.Forbidden:
                throw new HaEdgeException("XmlRpcForbidden", FailureKind.PermissionDenied,
                    $"{target}: {method} was refused with {status} for user '{options.User}'.", target);
            default:
                throw new HaEdgeException("XmlRpcHttpError", FailureKind.ConnectionError,
                    $"{target}: {method} failed with {status} ({options.Url}).", target);
        }
    }

    private HaEdgeException InvalidResult(string method, object? result) =>
        new HaEdgeException("XmlRpcInvalidResponse", FailureKind.InvalidData,
            $"{options.Target}: {method} returned {(result == null ? "nil" : result.GetType().Name)}, not the expected struct.",
            options.Target);

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (var inner = e.InnerException; inner != null; inner = inner.InnerException)
            if (inner is T match) return match;
        return null;
    }
}
