using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// Which config.xml elements hold secrets, by the element's name, and how a secret is shown: never its value, only
/// a tag that is equal for equal values and differs for different ones, within this process.
/// </summary>
internal static class ConfigSecrets
{
    // From the element names pfSense and its packages write (pfsense/pfsense src/etc/inc and the samples in
    // tests/fixtures/real): names ending in key/keys (pre-shared-key, private-key, shared_key, ddnsdomainkey,
    // radiuskey2, authorizedkeys, mobilekey with everything in it), pass (auth_pass, vouchersyncpass), pw
    // (ldap_bindpw), psk (ipsecpsk), hash (bcrypt-hash, sha512-hash), token or community (rocommunity); names
    // holding password, passphrase or secret (encryption_password, radius_secret); and prv (a certificate's
    // private key), tls (OpenVPN's static key) and api (the Telegram and Slack notification tokens).
    // keylen, rekey_time, hash-algorithm, ddnsdomainkeyname, sshdkeyonly, passtos and passthrumac stay readable.
    private static readonly Regex SecretName = new Regex(
        @"\A(?:prv|tls|api)\z|password|passphrase|secret|(?:keys?|pass|pw|psk|hash|token|community)\d*\z",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    // A key of this process alone: a tag cannot be matched against guessed passwords anywhere else, and tags are
    // comparable only within one session.
    private static readonly byte[] ProcessKey = NewKey();

    /// <summary>True when an element of this name holds a secret (the whole subtree, for a container).</summary>
    public static bool IsSecret(string elementName) => SecretName.IsMatch(elementName);

    /// <summary>
    /// "(secret #1a2b3c4d)": the first 4 bytes of HMAC-SHA256 of <paramref name="value"/> under this process's key.
    /// Two values read in one session show the same tag exactly when they are (almost certainly) equal.
    /// </summary>
    public static string Mask(string value)
    {
        using (var hmac = new HMACSHA256(ProcessKey))
        {
            var tag = hmac.ComputeHash(Encoding.UTF8.GetBytes(value));
            return "(secret #" + BitConverter.ToString(tag, 0, 4).Replace("-", "").ToLowerInvariant() + ")";
        }
    }

    private static byte[] NewKey()
    {
        var key = new byte[32];
        using (var random = RandomNumberGenerator.Create()) random.GetBytes(key);
        return key;
    }
}
