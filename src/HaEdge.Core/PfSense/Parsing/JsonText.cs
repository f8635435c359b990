using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace HaEdge.Core.PfSense.Parsing
{
    /// <summary>Reading PHP <c>json_encode</c> output, where a value's JSON type depends on how pfSense built the array.</summary>
    internal static class JsonText
    {
        internal static bool LooksLikeJson(string text)
        {
            var trimmed = text.TrimStart();
            return trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal);
        }

        /// <summary>Parses <paramref name="text"/> and hands its root to <paramref name="read"/>; every JSON failure
        /// becomes the kind's unparsable error.</summary>
        internal static T Read<T>(string text, string kind, Func<JsonElement, T> read)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                return read(document.RootElement);
            }
            catch (JsonException e)
            {
                throw ParseText.Unparsable(kind, $"not valid JSON ({e.Message})");
            }
            catch (ArgumentException e)
            {
                // Text that cannot be transcoded to UTF-8 (a lone surrogate).
                throw ParseText.Unparsable(kind, $"not valid JSON ({e.Message})");
            }
            catch (InvalidOperationException e)
            {
                // A name or string with an escaped lone surrogate ("\ud800") is valid JSON syntax but no .NET string.
                throw ParseText.Unparsable(kind, $"a JSON string cannot be read ({e.Message})");
            }
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
}
