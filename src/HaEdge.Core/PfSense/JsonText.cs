using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace HaEdge.Core.PfSense;

/// <summary>Reading PHP <c>json_encode</c> output, where a value's JSON type depends on how pfSense built the array.</summary>
internal static class JsonText
{
    /// <summary>
    /// Parses the JSON in <paramref name="text"/> and hands its root, and the number of the line it starts on, to
    /// <paramref name="read"/>; every JSON failure becomes the kind's unparsable error. json_encode prints one line,
    /// but a PHP notice, a login banner or a pasted prompt may stand before or after it: the JSON is the first run
    /// of lines from one that starts with { or [ to the last that ends with } or ] which parses, and every other
    /// line is skipped.
    /// </summary>
    internal static T Read<T>(string text, string kind, SkipLog log, Func<JsonElement, int, T> read)
    {
        var (document, firstLine, skipped) = Parse(text, log);
        using (document)
        {
            for (var i = 0; i < skipped.Length; i++)
            {
                if (skipped[i] != null) log.Skip(i + 1, skipped[i]!, "not part of the JSON");
            }

            try
            {
                return read(document.RootElement, firstLine);
            }
            catch (InvalidOperationException e)
            {
                // A name or string with an escaped lone surrogate ("\ud800") is valid JSON syntax but no .NET string.
                throw log.Fail($"a JSON string cannot be read ({e.Message})");
            }
        }
    }

    /// <summary>The line starts a JSON object or list.</summary>
    internal static bool OpensJson(string line)
    {
        var start = line.TrimStart();
        return start.StartsWith("{", StringComparison.Ordinal) || start.StartsWith("[", StringComparison.Ordinal);
    }

    /// <summary>An entry's JSON as a skipped entry shows it.</summary>
    internal static string Entry(string key, JsonElement value) => $"\"{key}\": {value.GetRawText()}";

    /// <summary>The parsed JSON, the number of its first line, and the lines outside it (null inside it or blank).</summary>
    private static (JsonDocument Document, int FirstLine, string?[] Outside) Parse(string text, SkipLog log)
    {
        var lines = ParseText.Lines(text);
        var last = Array.FindLastIndex(lines, l => l.TrimEnd().EndsWith("}", StringComparison.Ordinal) || l.TrimEnd().EndsWith("]", StringComparison.Ordinal));
        for (var first = 0; first <= last; first++)
        {
            if (!OpensJson(lines[first])) continue;
            if (TryParse(string.Join("\n", lines.Skip(first).Take(last - first + 1)), out var document, out _))
            {
                var outside = lines.Select((l, i) => (i < first || i > last) && l.Trim().Length > 0 ? l : null).ToArray();
                return (document!, first + 1, outside);
            }
        }

        // No run of lines parses: the error is the whole text's.
        if (TryParse(text, out var whole, out var error)) return (whole!, 1, new string?[lines.Length]);
        throw log.Fail(error!);
    }

    private static bool TryParse(string json, out JsonDocument? document, out string? error)
    {
        try
        {
            document = JsonDocument.Parse(json);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            (document, error) = (null, $"not valid JSON ({e.Message})");
        }
        catch (ArgumentException e)
        {
            // Text that cannot be transcoded to UTF-8 (a lone surrogate).
            (document, error) = (null, $"not valid JSON ({e.Message})");
        }

        return false;
    }

    /// <summary>The elements of a PHP array: a JSON list, or an object when PHP's keys were not 0..n-1.</summary>
    internal static IEnumerable<KeyValuePair<string, JsonElement>> Entries(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().Select((e, i) => new KeyValuePair<string, JsonElement>(i.ToString(System.Globalization.CultureInfo.InvariantCulture), e))
            : element.EnumerateObject().Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value));

    /// <summary>A scalar as text (PHP may encode a number or bool where config.xml held a string); null when absent.</summary>
    internal static string? Text(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value)) return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return value.GetString();
            case JsonValueKind.Number: return value.GetRawText();
            case JsonValueKind.True: return "true";
            case JsonValueKind.False: return "false";
            default: return null;
        }
    }
}
