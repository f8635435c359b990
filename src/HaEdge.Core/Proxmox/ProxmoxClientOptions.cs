using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// How to reach and authenticate to a PVE cluster. The token secret is held privately: it never appears in
/// <see cref="ToString"/>, in messages or in exceptions.
/// </summary>
internal sealed class ProxmoxClientOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly Regex TokenIdFormat = new Regex(@"\A[^\s@!=]+@[^\s@!=]+![A-Za-z][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant);

    /// <param name="endpoints">Any cluster nodes, e.g. https://192.0.2.31:8006; tried in order when one is down.</param>
    /// <param name="tokenId">USER@REALM!TOKENID.</param>
    /// <param name="tokenSecret">The token's UUID secret.</param>
    /// <param name="certificatePins">
    /// Optional pins, each bound to one of <paramref name="endpoints"/> by its authority (host:port, as
    /// <see cref="Uri.Authority"/> gives it): the SHA-256 of the certificate (DER) that endpoint must present, hex,
    /// colons optional. Each PVE node has its own self-signed certificate, so a node answering with another node's
    /// certificate is refused. An endpoint without a pin is left to the platform's validation.
    /// </param>
    /// <param name="timeout">Per call; default 10 seconds.</param>
    public ProxmoxClientOptions(IEnumerable<Uri> endpoints, string tokenId, string tokenSecret, IReadOnlyDictionary<string, string>? certificatePins = null,
        TimeSpan? timeout = null)
    {
        Endpoints = (endpoints ?? throw Invalid("endpoints", "no endpoint given")).ToList();
        if (Endpoints.Count == 0) throw Invalid("endpoints", "no endpoint given");
        foreach (var endpoint in Endpoints)
        {
            // The token travels in every request's header: never over plain http.
            if (endpoint == null || !endpoint.IsAbsoluteUri || endpoint.Scheme != Uri.UriSchemeHttps)
                throw Invalid("endpoints", $"'{endpoint}' is not an absolute https:// URL");
        }

        if (tokenId == null || !TokenIdFormat.IsMatch(tokenId))
            throw Invalid("tokenId", $"'{tokenId}' is not USER@REALM!TOKENID");
        TokenId = tokenId;

        if (string.IsNullOrWhiteSpace(tokenSecret) || tokenSecret.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            throw Invalid("tokenSecret", "the token secret is empty or contains spaces or control characters");
        TokenSecret = tokenSecret;

        CertificatePins = BindPins(Endpoints, certificatePins);

        Timeout = timeout ?? DefaultTimeout;
        if (Timeout <= TimeSpan.Zero) throw Invalid("timeout", "the timeout must be positive");
    }

    public IReadOnlyList<Uri> Endpoints { get; }

    public string TokenId { get; }

    /// <summary>
    /// The pinned fingerprints, upper-case hex with colons, by the authority (host:port) of the endpoint each belongs
    /// to; an endpoint missing here is left to the platform's validation.
    /// </summary>
    public IReadOnlyDictionary<string, string> CertificatePins { get; }

    public TimeSpan Timeout { get; }

    internal string TokenSecret { get; }

    public override string ToString() =>
        $"{TokenId} at {string.Join(", ", Endpoints.Select(endpoint => endpoint.Authority))}" + (CertificatePins.Count == 0 ? "" : " (pinned)");

    /// <summary>The fingerprint pinned for <paramref name="endpoint"/>, or null when the platform's validation decides.</summary>
    public string? PinFor(Uri endpoint) => CertificatePins.TryGetValue(endpoint.Authority, out var pin) ? pin : null;

    private static Dictionary<string, string> BindPins(IReadOnlyList<Uri> endpoints, IReadOnlyDictionary<string, string>? pins)
    {
        // The client asks by the authority of the request, which it builds from the endpoint's authority alone.
        var bound = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pins ?? new Dictionary<string, string>())
        {
            var endpoint = endpoints.FirstOrDefault(e => string.Equals(e.Authority, pair.Key, StringComparison.OrdinalIgnoreCase));
            if (endpoint == null) throw Invalid("certificateSha256", $"'{pair.Key}' is not the host:port of one of the endpoints, so its pin would bind nothing");
            string pin;
            try
            {
                pin = CertificatePin.Normalize(pair.Value);
            }
            catch (HaEdgeException e)
            {
                throw Invalid("certificateSha256", e.Message.TrimEnd('.'));
            }

            if (bound.TryGetValue(endpoint.Authority, out var other) && other != pin)
                throw Invalid("certificateSha256", $"{endpoint.Authority} has two different pins");
            bound[endpoint.Authority] = pin;
        }

        return bound;
    }

    private static HaEdgeException Invalid(string key, string problem) =>
        new HaEdgeException("ProxmoxInvalidOptions", FailureKind.InvalidArgument, $"Proxmox connection setting '{key}': {problem}.", key);
}
