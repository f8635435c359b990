using System;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HaEdge.Core;

/// <summary>
/// TLS trust by a pinned SHA-256 fingerprint of the server certificate's DER bytes, for self-signed Proxmox and
/// pfSense web servers. A pin replaces chain validation for that one certificate; without a pin the platform
/// validates as usual. Validation is never switched off.
/// </summary>
internal static class CertificatePin
{
    private const int Sha256Length = 32;

    /// <summary>
    /// Reads a fingerprint written as hex, with or without ':' / '-' / ' ' separators, in any case, optionally
    /// prefixed "sha256:" or "SHA256 Fingerprint=" as openssl prints it. Returns the canonical "AB:CD:..." form.
    /// </summary>
    public static string Normalize(string fingerprint) => Format(Parse(fingerprint));

    /// <summary>The 32 bytes of a fingerprint in any of the forms <see cref="Normalize"/> accepts.</summary>
    public static byte[] Parse(string fingerprint)
    {
        if (fingerprint == null) throw new ArgumentNullException(nameof(fingerprint));
        var text = fingerprint.Trim();
        var equals = text.LastIndexOf('=');
        if (equals >= 0) text = text.Substring(equals + 1);
        if (text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) text = text.Substring("sha256:".Length);

        var hex = new StringBuilder(64);
        foreach (var c in text)
        {
            if (c == ':' || c == '-' || c == ' ') continue;
            if (!Uri.IsHexDigit(c)) throw Invalid(fingerprint);
            hex.Append(c);
        }
        if (hex.Length != Sha256Length * 2) throw Invalid(fingerprint);

        var bytes = new byte[Sha256Length];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = byte.Parse(hex.ToString(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return bytes;
    }

    /// <summary>SHA-256 of the certificate's DER encoding, as "AB:CD:...".</summary>
    public static string Compute(X509Certificate certificate) => Format(Hash(certificate));

    public static bool Matches(X509Certificate? certificate, string fingerprint) =>
        certificate != null && FixedTimeEquals(Hash(certificate), Parse(fingerprint));

    /// <summary>
    /// A handler of its own (never a shared one) that accepts the server iff its certificate matches
    /// <paramref name="fingerprint"/>; with no fingerprint, the platform's validation decides. It follows no
    /// redirect: a pin holds for the host it was given for, never for wherever that host sends the request.
    /// </summary>
    public static HttpClientHandler CreateHandler(string? fingerprint)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false };
        if (string.IsNullOrWhiteSpace(fingerprint)) return handler;

        var pin = Parse(fingerprint!);
        handler.ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            certificate != null && FixedTimeEquals(Hash(certificate), pin);
        return handler;
    }

    private static byte[] Hash(X509Certificate certificate)
    {
        using (var sha = SHA256.Create()) return sha.ComputeHash(certificate.GetRawCertData());
    }

    private static string Format(byte[] hash) => BitConverter.ToString(hash).Replace('-', ':');

    private static bool FixedTimeEquals(byte[] left, byte[] right)
    {
        if (left.Length != right.Length) return false;
        var diff = 0;
        for (var i = 0; i < left.Length; i++) diff |= left[i] ^ right[i];
        return diff == 0;
    }

    private static HaEdgeException Invalid(string fingerprint) => new HaEdgeException("InvalidCertificatePin",
        FailureKind.InvalidArgument,
        $"'{fingerprint}' is not a SHA-256 certificate fingerprint (64 hex digits, optionally separated by ':').");
}
