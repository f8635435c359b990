using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaEdge.Lab.Simulators.Common;

/// <summary>
/// The self-signed TLS certificate of a simulated endpoint (PVE API, pfSense webGUI/XMLRPC), kept as
/// cert.pem + key.pem in a directory with its SHA-256 fingerprint next to it, the string the edge definition pins.
/// </summary>
internal static class LabCertificate
{
    /// <summary>Loads the certificate from <paramref name="directory"/>, creating it on first use.</summary>
    public static X509Certificate2 LoadOrCreate(string directory, string commonName, params IPAddress[] addresses)
    {
        string certPath = Path.Combine(directory, "cert.pem");
        string keyPath = Path.Combine(directory, "key.pem");
        // Both PVE node processes share one certificate: the first creates it, the other waits on the lock.
        using (StateFile.Lock(certPath))
        {
            if (!File.Exists(certPath) || !File.Exists(keyPath))
            {
                Create(certPath, keyPath, commonName, addresses);
            }
            X509Certificate2 cert = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            StateFile.WriteAtomic(Path.Combine(directory, "fingerprint"), Fingerprint(cert) + "\n");
            return cert;
        }
    }

    /// <summary>SHA-256 of the DER, upper-case hex with colons, as PVE shows ssl_fingerprint.</summary>
    public static string Fingerprint(X509Certificate2 cert) =>
        string.Join(":", SHA256.HashData(cert.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    private static void Create(string certPath, string keyPath, string commonName, IPAddress[] addresses)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}, O=HaEdge rehearsal lab", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(commonName);
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        foreach (IPAddress address in addresses.Where(a => !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.Loopback)))
        {
            san.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 cert = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        StateFile.WriteAtomic(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        StateFile.RestrictToOwner(keyPath);
        StateFile.WriteAtomic(certPath, cert.ExportCertificatePem() + "\n");
    }
}
