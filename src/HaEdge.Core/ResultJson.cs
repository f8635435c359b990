using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HaEdge.Core;

/// <summary>
/// HaEdge's results as JSON with readable values: enums by name, durations as TimeSpan's invariant text
/// (<c>00:00:03.0200000</c>, which a [TimeSpan] cast and every duration parameter read back), instants in ISO 8601,
/// lists as arrays of plain values. PowerShell's own ConvertTo-Json walks public properties itself and ignores
/// converters: it writes enums as numbers and each TimeSpan as its 15 fields.
/// </summary>
internal static class ResultJson
{
    private static readonly JsonSerializerOptions Indented = Readable(indented: true);
    private static readonly JsonSerializerOptions Compact = Readable(indented: false);

    /// <summary>One value as a JSON object, or several (or one with <paramref name="asArray"/>) as an array.</summary>
    /// <exception cref="NotSupportedException">A value holds something JSON cannot carry (a type, a delegate, a cycle).</exception>
    public static string Write(IReadOnlyList<object?> values, bool asArray, bool compress)
    {
        object? root = values.Count == 1 && !asArray ? values[0] : values;
        try
        {
            return JsonSerializer.Serialize(root, root?.GetType() ?? typeof(object), compress ? Compact : Indented);
        }
        catch (JsonException e)
        {
            throw new NotSupportedException(e.Message, e);
        }
    }

    /// <summary>The options every HaEdge JSON document shares: enums by name, TimeSpan as "c" text, names matched ignoring case.</summary>
    internal static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new TimeSpanText());
        return options;
    }

    /// <summary>A property of a JSON object by name, ignoring case as PowerShell does.</summary>
    internal static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }

        return null;
    }

    // Written for people and scripts, not embedded in HTML: apostrophes and non-ASCII names stay as they are.
    private static JsonSerializerOptions Readable(bool indented) =>
        new JsonSerializerOptions(CreateOptions()) { WriteIndented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A TimeSpan as "c" text; reads that, seconds as a number, or ConvertTo-Json's object (its Ticks).</summary>
    private sealed class TimeSpanText : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    return TimeSpan.Parse(reader.GetString()!, CultureInfo.InvariantCulture);
                case JsonTokenType.Number:
                    return TimeSpan.FromTicks((long)Math.Round(reader.GetDouble() * TimeSpan.TicksPerSecond));
                case JsonTokenType.StartObject:
                    using (var document = JsonDocument.ParseValue(ref reader))
                    {
                        if (Property(document.RootElement, "Ticks") is JsonElement ticks && ticks.ValueKind == JsonValueKind.Number) return TimeSpan.FromTicks(ticks.GetInt64());
                    }

                    throw new JsonException("A time span object has no Ticks.");
                default:
                    throw new JsonException($"A time span is {reader.TokenType}.");
            }
        }

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
    }
}
