using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// Tolerant readers for PVE JSON: the API sends booleans as 0/1, some numbers as strings ("memory":"2048"),
/// and key order is random. Every reader returns null for an absent or null value instead of throwing.
/// </summary>
internal static class JsonValue
{
    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? AsString(value) : null;

    public static string? AsString(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return value.GetString();
            case JsonValueKind.Number: return value.GetRawText();
            case JsonValueKind.True: return "1";
            case JsonValueKind.False: return "0";
            default: return null;
        }
    }

    public static bool? Bool(JsonElement obj, string name) => ParseBool(String(obj, name));

    public static bool? ParseBool(string? text)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "1": case "true": case "yes": case "on": return true;
            case "0": case "false": case "no": case "off": return false;
            case null: case "": return null;
            default:
                // A number other than 0/1 still counts as set, as Perl would read it.
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number != 0 : (bool?)null;
        }
    }

    public static long? Long(JsonElement obj, string name) => ParseLong(String(obj, name));

    public static long? ParseLong(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)) return whole;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? (long)number : (long?)null;
    }

    public static int? Int(JsonElement obj, string name) => ParseInt(String(obj, name));

    public static int? ParseInt(string? text)
    {
        var value = ParseLong(text);
        return value.HasValue && value.Value >= int.MinValue && value.Value <= int.MaxValue ? (int)value.Value : (int?)null;
    }

    public static double? Double(JsonElement obj, string name) => ParseDouble(String(obj, name));

    public static double? ParseDouble(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : (double?)null;

    public static IReadOnlyList<string> StringArray(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value)) return Array.Empty<string>();
        if (value.ValueKind != JsonValueKind.Array)
        {
            var single = AsString(value);
            return single == null ? Array.Empty<string>() : new[] { single };
        }
        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var text = AsString(item);
            if (text != null) list.Add(text);
        }
        return list;
    }

    /// <summary>Every scalar member except the named ones, as text: keeps fields we do not model visible.</summary>
    public static IReadOnlyDictionary<string, string> Others(JsonElement obj, ICollection<string> known)
    {
        var others = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (obj.ValueKind != JsonValueKind.Object) return others;
        foreach (var property in obj.EnumerateObject())
        {
            if (known.Contains(property.Name)) continue;
            var text = AsString(property.Value);
            if (text != null) others[property.Name] = text;
        }
        return others;
    }

    /// <summary>Splits a list PVE writes with commas, semicolons or spaces ("a;b", "eno1 eno2").</summary>
    public static IReadOnlyList<string> SplitList(string? text, params char[] separators)
    {
        if (string.IsNullOrWhiteSpace(text)) return Array.Empty<string>();
        var items = new List<string>();
        foreach (var item in text!.Split(separators))
        {
            var trimmed = item.Trim();
            if (trimmed.Length > 0) items.Add(trimmed);
        }
        return items;
    }
}
