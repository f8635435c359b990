using System;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// Where and as whom to reach one firewall's <c>/xmlrpc.php</c>. Holds the password, so it is a class whose
/// <see cref="ToString"/> leaves it out (a record would print it).
/// </summary>
internal sealed class PfXmlRpcClientOptions
{
    public PfXmlRpcClientOptions(Uri url, string user, string password, string target)
    {
        if (url == null) throw new ArgumentNullException(nameof(url));
        // Basic auth carries the sync password, so plain http is refused.
        if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
            throw new HaEdgeException("XmlRpcInvalidUrl", FailureKind.InvalidArgument,
                $"'{url}' is not an https URL of xmlrpc.php.", target);
        if (string.IsNullOrEmpty(user))
            throw new HaEdgeException("XmlRpcNoUser", FailureKind.InvalidArgument, "An XML-RPC user is required.", target);

        Url = url;
        User = user;
        Password = password ?? throw new ArgumentNullException(nameof(password));
        Target = target;
    }

    /// <summary>Full URL, e.g. https://192.0.2.2/xmlrpc.php.</summary>
    public Uri Url { get; }

    /// <summary>The HA sync user (admin or a user with "System - HA node sync").</summary>
    public string User { get; }

    internal string Password { get; }

    /// <summary>The firewall's name, used as the Target of every error.</summary>
    public string Target { get; }

    /// <summary>Pinned SHA-256 of the web GUI certificate; null lets the platform validate the chain.</summary>
    public string? CertificateSha256 { get; set; }

    /// <summary>
    /// The largest answer read, in bytes (default 32 MiB); a larger one is refused as XmlRpcResponseTooLarge before
    /// it is held in memory. A real config.xml is up to a few MB, and its XML-RPC form about 3 times that.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Whole-call limit; also sent to pfSense as the method's timeout argument.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public override string ToString() => $"{User}@{Url} ({Target})";
}
