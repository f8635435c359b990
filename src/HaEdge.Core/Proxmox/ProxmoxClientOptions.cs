using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace HaEdge.Core.Proxmox
{
    /// <summary>
    /// How to reach and authenticate to a PVE cluster. The token secret is held privately: it never appears in
    /// <see cref="ToString"/>, in messages or in exceptions.
    /// </summary>
    public sealed class ProxmoxClientOptions
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

        private static readonly Regex TokenIdFormat = new Regex(@"^[^\s@!=]+@[^\s@!=]+![A-Za-z][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);

        /// <param name="endpoints">Any cluster nodes, e.g. https://192.0.2.31:8006; tried in order when one is down.</param>
        /// <param name="tokenId">USER@REALM!TOKENID.</param>
        /// <param name="tokenSecret">The token's UUID secret.</param>
        /// <param name="certificateSha256">Optional pin: SHA-256 of the server certificate (DER), hex, colons optional.</param>
        /// <param name="timeout">Per call; default 10 seconds.</param>
        public ProxmoxClientOptions(IEnumerable<Uri> endpoints, string tokenId, string tokenSecret, string? certificateSha256 = null, TimeSpan? timeout = null)
        {
            Endpoints = (endpoints ?? throw Invalid("endpoints", "no endpoint given")).ToList();
            if (Endpoints.Count == 0) throw Invalid("endpoints", "no endpoint given");
            foreach (var endpoint in Endpoints)
            {
                if (endpoint == null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
                    throw Invalid("endpoints", $"'{endpoint}' is not an absolute https:// URL");
            }

            if (tokenId == null || !TokenIdFormat.IsMatch(tokenId))
                throw Invalid("tokenId", $"'{tokenId}' is not USER@REALM!TOKENID");
            TokenId = tokenId;

            if (string.IsNullOrWhiteSpace(tokenSecret) || tokenSecret.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                throw Invalid("tokenSecret", "the token secret is empty or contains spaces or control characters");
            TokenSecret = tokenSecret;

            if (!string.IsNullOrWhiteSpace(certificateSha256))
            {
                CertificateSha256 = NormalizeFingerprint(certificateSha256!)
                    ?? throw Invalid("certificateSha256", "the pin is not a SHA-256 fingerprint (64 hex digits, colons optional)");
            }

            Timeout = timeout ?? DefaultTimeout;
            if (Timeout <= TimeSpan.Zero) throw Invalid("timeout", "the timeout must be positive");
        }

        public IReadOnlyList<Uri> Endpoints { get; }

        public string TokenId { get; }

        /// <summary>The pinned fingerprint, normalized to upper-case hex with colons; null when not pinned.</summary>
        public string? CertificateSha256 { get; }

        public TimeSpan Timeout { get; }

        internal string TokenSecret { get; }

        public override string ToString() =>
            $"{TokenId} at {string.Join(", ", Endpoints.Select(endpoint => endpoint.Authority))}" + (CertificateSha256 == null ? "" : " (pinned)");

        /// <summary>Upper-case hex pairs joined by colons, or null when the text is not a SHA-256 fingerprint.</summary>
        public static string? NormalizeFingerprint(string text)
        {
            var hex = new string(text.Where(c => c != ':' && !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
            if (hex.Length != 64 || hex.Any(c => !Uri.IsHexDigit(c))) return null;
            return string.Join(":", Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2)));
        }

        private static HaEdgeException Invalid(string key, string problem) =>
            new HaEdgeException("ProxmoxInvalidOptions", FailureKind.InvalidArgument, $"Proxmox connection setting '{key}': {problem}.", key);
    }
}
