using System;
using System.Collections.Generic;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// PVE property strings (<c>virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1</c>): comma-separated key=value
/// pairs, where a bare token is the value of the format's default key.
/// </summary>
internal static class PropertyString
{
    public static IReadOnlyList<KeyValuePair<string, string>> Split(string text, string defaultKey)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var token in text.Split(','))
        {
            var trimmed = token.Trim();
            if (trimmed.Length == 0) continue;
            var equals = trimmed.IndexOf('=');
            pairs.Add(equals < 0
                ? new KeyValuePair<string, string>(defaultKey, trimmed)
                : new KeyValuePair<string, string>(trimmed.Substring(0, equals).Trim(), trimmed.Substring(equals + 1).Trim()));
        }
        return pairs;
    }

    /// <summary>The index of a numbered config key (<c>net31</c> → 31), or null when the key is not prefix + digits.</summary>
    public static int? IndexOf(string key, string prefix)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length) return null;
        var digits = key.Substring(prefix.Length);
        foreach (var c in digits)
        {
            if (c < '0' || c > '9') return null;
        }
        return int.TryParse(digits, out var index) ? index : (int?)null;
    }
}
