using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using HaEdge.Core.Net;

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
        /// <param name="certificatePins">
        /// Optional pins: SHA-256 of the server certificates (DER), hex, colons optional. Each PVE node has its own
        /// self-signed certificate, so a cluster reached through several endpoints needs one pin per node.
        /// </param>
        /// <param name="timeout">Per call; default 10 seconds.</param>
        public ProxmoxClientOptions(IEnumerable<Uri> endpoints, string tokenId, string tokenSecret, IEnumerable<string>? certificatePins = null, TimeSpan? timeout = null)
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

            try
            {
                CertificatePins = (certificatePins ?? Enumerable.Empty<string>()).Select(CertificatePin.Normalize).Distinct().ToList();
            }
            catch (HaEdgeException e)
            {
                throw Invalid("certificateSha256", e.Message.TrimEnd('.'));
            }

            Timeout = timeout ?? DefaultTimeout;
            if (Timeout <= TimeSpan.Zero) throw Invalid("timeout", "the timeout must be positive");
        }

        public IReadOnlyList<Uri> Endpoints { get; }

        public string TokenId { get; }

        /// <summary>The pinned fingerprints, upper-case hex with colons; empty when the platform's validation decides.</summary>
        public IReadOnlyList<string> CertificatePins { get; }

        public TimeSpan Timeout { get; }

        internal string TokenSecret { get; }

        public override string ToString() =>
            $"{TokenId} at {string.Join(", ", Endpoints.Select(endpoint => endpoint.Authority))}" + (CertificatePins.Count == 0 ? "" : " (pinned)");

        private static HaEdgeException Invalid(string key, string problem) =>
            new HaEdgeException("ProxmoxInvalidOptions", FailureKind.InvalidArgument, $"Proxmox connection setting '{key}': {problem}.", key);
    }
}
