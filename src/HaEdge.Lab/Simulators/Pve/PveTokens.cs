using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>One API token of tokens.json: its full id (USER@REALM!TOKENID), secret and flat privilege set.</summary>
internal sealed class PveToken
{
    public string Id { get; set; } = "";
    public string Secret { get; set; } = "";
    public List<string> Privileges { get; set; } = new();

    [JsonIgnore]
    public string User => Id.Split('!')[0];

    [JsonIgnore]
    public string TokenName => Id.Contains('!', StringComparison.Ordinal) ? Id.Split('!')[1] : "";
}

/// <summary>
/// API-token authentication as pve-http-server does it: header <c>Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET</c>
/// (a space instead of the first '=' is accepted too). Privileges are one flat set per token (no ACL paths): enough to
/// show a token without VM.PowerMgmt getting 403 on stop.
/// </summary>
internal sealed class PveTokens
{
    public const string EdgeTokenId = "haedge@pve!edge";
    public const string ReadOnlyTokenId = "haedge@pve!readonly";

    private static readonly string[] AllPrivileges =
        { "Sys.Audit", "Sys.Console", "Sys.Modify", "VM.Audit", "VM.PowerMgmt", "VM.Config.Network", "VM.Config.Options" };

    private static readonly Regex HeaderPattern = new(@"(?:^|\s)PVEAPIToken(?:=| )([^;]*)", RegexOptions.CultureInvariant);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string path;

    public PveTokens(string pveDirectory)
    {
        path = Path.Combine(pveDirectory, "tokens.json");
        using (StateFile.Lock(path))
        {
            if (!File.Exists(path))
            {
                var tokens = new List<PveToken>
                {
                    new() { Id = EdgeTokenId, Secret = Guid.NewGuid().ToString(), Privileges = AllPrivileges.ToList() },
                    new() { Id = ReadOnlyTokenId, Secret = Guid.NewGuid().ToString(), Privileges = new() { "Sys.Audit", "VM.Audit" } },
                };
                StateFile.WriteAtomic(path, JsonSerializer.Serialize(tokens, Json));
                StateFile.RestrictToOwner(path);
            }
        }
    }

    /// <summary>The token the header names, or a PVE-style 401.</summary>
    public PveToken Authenticate(string? authorization)
    {
        Match match = HeaderPattern.Match(authorization ?? "");
        if (!match.Success)
        {
            throw new PveError(401, "No ticket");
        }
        string value = Uri.UnescapeDataString(match.Groups[1].Value.Trim());
        int split = value.LastIndexOf('=');
        if (split <= 0)
        {
            throw new PveError(401, "invalid token value!");
        }
        string id = value[..split];
        string secret = value[(split + 1)..];
        // Re-read every time: tests and the lab may rotate tokens without restarting the simulator.
        List<PveToken> tokens = JsonSerializer.Deserialize<List<PveToken>>(File.ReadAllText(path), Json) ?? new();
        PveToken? token = tokens.FirstOrDefault(t => t.Id == id);
        if (token is null)
        {
            string[] parts = id.Split('!');
            throw new PveError(401, $"no such token '{(parts.Length > 1 ? parts[1] : "")}' for user '{parts[0]}'");
        }
        if (!string.Equals(token.Secret, secret, StringComparison.Ordinal))
        {
            throw new PveError(401, "invalid token value!");
        }
        return token;
    }

    /// <summary>PVE's 403 text: "Permission check failed (/vms/101, VM.PowerMgmt)".</summary>
    public static void Require(PveToken token, string aclPath, string privilege)
    {
        if (!token.Privileges.Contains(privilege, StringComparer.Ordinal))
        {
            throw new PveError(403, $"Permission check failed ({aclPath}, {privilege})");
        }
    }
}
