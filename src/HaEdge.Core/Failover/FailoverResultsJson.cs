using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace HaEdge.Core.Failover;

/// <summary>
/// Test-HaFailover's results as JSON: the document the report embeds (<c>&lt;script type="application/json"
/// id="haedge-results"&gt;</c>) and Export-HaFailoverReport reads back. Written as
/// <c>{"format":"haedge.failover-results","version":1,"results":[...]}</c> with PascalCase names, enums by name,
/// times as TimeSpan's invariant "c" text (<c>00:00:07.7000000</c>) and instants in ISO 8601. Read from that, from a
/// bare array or one result (ConvertTo-Json -Depth 8 of the results: enums as numbers, a TimeSpan as an object whose
/// Ticks count), from a report's HTML, or from a tree of dictionaries and lists (objects PowerShell deserialized).
/// </summary>
internal static class FailoverResultsJson
{
    public const string Format = "haedge.failover-results";
    public const int Version = 1;

    /// <summary>The id of the report's script element that holds the results.</summary>
    public const string ElementId = "haedge-results";

    private static readonly Regex Embedded = new Regex(
        "<script type=\"application/json\" id=\"" + ElementId + "\">(?<json>.*?)</script>", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private static readonly JsonSerializerOptions Options = ResultJson.CreateOptions();

    /// <summary>The results as the report embeds them; &lt;, &gt; and &amp; are escaped, so the text is safe inside a script element.</summary>
    public static string Write(IEnumerable<FailoverResult> results) =>
        JsonSerializer.Serialize(new Document { Format = Format, Version = Version, Results = results.ToList() }, Options);

    /// <summary>Reads results from JSON or from a report's HTML (its embedded document).</summary>
    public static IReadOnlyList<FailoverResult> Read(string text, string source)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.StartsWith("<", StringComparison.Ordinal))
        {
            var match = Embedded.Match(text);
            if (!match.Success)
            {
                throw Invalid(source, $"it is HTML without the results element (<script type=\"application/json\" id=\"{ElementId}\">): not a report of HaEdge {Version} or later.");
            }

            trimmed = match.Groups["json"].Value;
        }

        try
        {
            using var document = JsonDocument.Parse(trimmed);
            return FromElement(document.RootElement, source);
        }
        catch (JsonException e)
        {
            throw Invalid(source, e.Message);
        }
    }

    /// <summary>Reads a file <see cref="Read(string, string)"/> understands.</summary>
    public static IReadOnlyList<FailoverResult> ReadFile(string path) => Read(File.ReadAllText(path), path);

    /// <summary>
    /// Results from a tree of dictionaries (property name to value), lists and plain values (strings, numbers,
    /// booleans, TimeSpan, DateTime, DateTimeOffset, enums): how a caller hands over objects PowerShell
    /// deserialized, matched by property name as JSON is.
    /// </summary>
    public static FailoverResult FromTree(object? tree, string source)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteTree(writer, tree);
        }

        try
        {
            return Result(JsonDocument.Parse(stream.ToArray()).RootElement, source);
        }
        catch (JsonException e)
        {
            throw Invalid(source, e.Message);
        }
    }

    private static IReadOnlyList<FailoverResult> FromElement(JsonElement root, string source)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                return root.EnumerateArray().Select(e => Result(e, source)).ToList();
            case JsonValueKind.Object when ResultJson.Property(root, "results") is JsonElement results:
                if (ResultJson.Property(root, "version") is JsonElement version && version.ValueKind == JsonValueKind.Number && version.GetInt32() > Version)
                {
                    throw Invalid(source, $"it is results version {version.GetInt32()}; this HaEdge reads version {Version}. Update HaEdge.");
                }

                return results.ValueKind == JsonValueKind.Array ? results.EnumerateArray().Select(e => Result(e, source)).ToList() : new[] { Result(results, source) };
            case JsonValueKind.Object:
                return new[] { Result(root, source) };
            default:
                throw Invalid(source, "it holds neither a results document, an array of results nor one result.");
        }
    }

    private static FailoverResult Result(JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Object || ResultJson.Property(element, "Scenario") == null || ResultJson.Property(element, "Timeline") == null)
        {
            throw Invalid(source, "an entry is not a failover result (it has no Scenario and Timeline).");
        }

        return element.Deserialize<FailoverResult>(Options) ?? throw Invalid(source, "an entry is null.");
    }

    private static void WriteTree(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case Enum named:
                writer.WriteStringValue(named.ToString());
                break;
            case TimeSpan span:
                writer.WriteStringValue(span.ToString("c", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset instant:
                writer.WriteStringValue(instant);
                break;
            case DateTime instant:
                writer.WriteStringValue(instant);
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    WriteTree(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items) WriteTree(writer, item);
                writer.WriteEndArray();
                break;
            case IConvertible number when IsNumber(number.GetTypeCode()):
                writer.WriteRawValue(number.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static bool IsNumber(TypeCode code) => code >= TypeCode.SByte && code <= TypeCode.Decimal;

    private static HaEdgeException Invalid(string source, string why) =>
        new HaEdgeException("FailoverResultsInvalid", FailureKind.InvalidData, $"'{source}' holds no failover results HaEdge can read: {why}", source);

    private sealed class Document
    {
        [JsonPropertyName("format")]
        public string Format { get; set; } = "";

        [JsonPropertyName("version")]
        public int Version { get; set; }

        [JsonPropertyName("results")]
        public List<FailoverResult> Results { get; set; } = new List<FailoverResult>();
    }
}
