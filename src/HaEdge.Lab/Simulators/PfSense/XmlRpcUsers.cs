using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>A webGUI user as xmlrpc.php's auth() sees it: admin (uid 0) or holding system-xmlrpc-ha-sync.</summary>
internal sealed class XmlRpcUser
{
    public string Name { get; set; } = "";
    public string Password { get; set; } = "";
    public bool Admin { get; set; }
    public List<string> Privileges { get; set; } = new();
}

/// <summary>
/// <c>&lt;state-dir&gt;/&lt;fw&gt;/xmlrpc/users.json</c> (the firewall's local user database for XMLRPC) and
/// <c>.../xmlrpc/password</c> (the default <c>hasync</c> user's password, for the edge definition and the peer's
/// hasync settings).
/// </summary>
internal static class XmlRpcUsers
{
    public const string SyncUser = "hasync";
    public const string SyncPrivilege = "system-xmlrpc-ha-sync";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string Directory(string stateDir, string firewall) => Path.Combine(stateDir, firewall, "xmlrpc");

    /// <summary>The hasync password of that firewall, creating its user database on first use.</summary>
    public static string EnsureSyncPassword(string stateDir, string firewall)
    {
        string dir = Directory(stateDir, firewall);
        string usersPath = Path.Combine(dir, "users.json");
        string passwordPath = Path.Combine(dir, "password");
        using (StateFile.Lock(usersPath))
        {
            if (!File.Exists(usersPath))
            {
                string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
                var users = new List<XmlRpcUser> { new() { Name = SyncUser, Password = password, Privileges = new() { SyncPrivilege } } };
                StateFile.WriteAtomic(usersPath, JsonSerializer.Serialize(users, Json));
                StateFile.WriteAtomic(passwordPath, password + "\n");
                StateFile.RestrictToOwner(usersPath);
                StateFile.RestrictToOwner(passwordPath);
            }
            return File.ReadAllText(passwordPath).Trim();
        }
    }

    /// <summary>What the edge definition needs for a firewall's xmlrpc block, once serve-xmlrpc has created it.</summary>
    public static (string User, string Password, string Fingerprint)? Credentials(string stateDir, string firewall)
    {
        string dir = Directory(stateDir, firewall);
        string password = Path.Combine(dir, "password");
        string fingerprint = Path.Combine(dir, "fingerprint");
        return File.Exists(password) && File.Exists(fingerprint)
            ? (SyncUser, File.ReadAllText(password).Trim(), File.ReadAllText(fingerprint).Trim())
            : null;
    }

    /// <summary>Checks HTTP Basic credentials: faults -1 (unknown user or wrong password) and -2 (no privilege).</summary>
    public static string Authenticate(string stateDir, string firewall, string? authorization)
    {
        string? user = null;
        string? password = null;
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                string pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                int colon = pair.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    user = pair[..colon];
                    password = pair[(colon + 1)..];
                }
            }
            catch (FormatException)
            {
                // Treated as missing credentials below.
            }
        }
        string usersPath = Path.Combine(Directory(stateDir, firewall), "users.json");
        List<XmlRpcUser> users = JsonSerializer.Deserialize<List<XmlRpcUser>>(File.ReadAllText(usersPath), Json) ?? new();
        XmlRpcUser? match = users.FirstOrDefault(u => u.Name == user);
        if (match is null || password is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(match.Password), Encoding.UTF8.GetBytes(password)))
        {
            throw new XmlRpcFault(-1, "Authentication failed: Invalid username or password");
        }
        if (!match.Admin && !match.Privileges.Contains(SyncPrivilege) && !match.Privileges.Contains("page-all"))
        {
            throw new XmlRpcFault(-2, "Authentication failed: not enough privileges");
        }
        return match.Name;
    }
}
