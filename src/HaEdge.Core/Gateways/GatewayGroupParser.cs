using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Gateways;

/// <summary>
/// Reads the JSON of <c>config_get_path("gateways/gateway_group")</c>: groups with <c>name</c>, <c>trigger</c>, <c>descr</c>
/// and <c>item</c> entries <c>"GATEWAY|tier|vip"</c>. pfSense's XML-to-array gives a single item as a plain string
/// and several as a list, so both are accepted; so is a single group object. A group or member it cannot read,
/// and any line that is not part of the JSON, is skipped and reported.
/// </summary>
internal static class GatewayGroupParser
{
    private const string Kind = "gateway groups";

    /// <summary>The reading alone, for callers with no one to tell about skipped lines.</summary>
    public static IReadOnlyList<GatewayGroup> Parse(string text) => Read(text).Value;

    public static Parsed<IReadOnlyList<GatewayGroup>> Read(string text)
    {
        ParseText.RequireText(text, Kind);
        var log = new SkipLog(Kind);
        var groups = JsonText.Read(text, Kind, log, (root, line) =>
        {
            var entries = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out _)
                ? new List<KeyValuePair<string, JsonElement>> { new KeyValuePair<string, JsonElement>("0", root) }
                : root.ValueKind == JsonValueKind.Object || root.ValueKind == JsonValueKind.Array
                    ? JsonText.Entries(root).ToList()
                    : throw log.Fail("the JSON is not a list of gateway groups");
            var read = new List<GatewayGroup>();
            foreach (var entry in entries)
            {
                try
                {
                    read.Add(ReadGroup(entry.Key, entry.Value, line, log));
                }
                catch (HaEdgeException e) when (ParseText.IsUnparsable(e))
                {
                    log.Skip(line, JsonText.Entry(entry.Key, entry.Value), e);
                }
            }

            if (entries.Count > 0 && read.Count == 0) throw log.Fail("no gateway group could be read");
            return read;
        });
        return log.Result<IReadOnlyList<GatewayGroup>>(groups);
    }

    private static GatewayGroup ReadGroup(string key, JsonElement group, int line, SkipLog log)
    {
        if (group.ValueKind != JsonValueKind.Object) throw ParseText.Unparsable(Kind, $"group {key} is not a JSON object");
        var name = JsonText.Text(group, "name");
        if (string.IsNullOrEmpty(name)) throw ParseText.Unparsable(Kind, $"group {key} has no name");
        var items = !group.TryGetProperty("item", out var item) ? Enumerable.Empty<JsonElement>()
            : item.ValueKind == JsonValueKind.Array ? item.EnumerateArray()
            : new[] { item };
        var members = new List<GatewayGroupMember>();
        foreach (var member in items)
        {
            try
            {
                members.Add(ReadMember(name!, member));
            }
            catch (HaEdgeException e) when (ParseText.IsUnparsable(e))
            {
                log.Skip(line, JsonText.Entry(name!, member), e);
            }
        }

        return new GatewayGroup
        {
            Name = name!,
            Trigger = JsonText.Text(group, "trigger"),
            Description = JsonText.Text(group, "descr"),
            Members = members,
        };
    }

    private static GatewayGroupMember ReadMember(string group, JsonElement item)
    {
        var text = item.ValueKind == JsonValueKind.String ? item.ToString() : "";
        var parts = text.Split('|');
        if (parts.Length < 2 || parts[0].Length == 0)
            throw ParseText.Unparsable(Kind, $"group {group}: item '{text}' is not 'GATEWAY|tier|vip'");
        return new GatewayGroupMember
        {
            Gateway = parts[0],
            Tier = ParseText.IntInRange(Kind, $"group {group} tier", parts[1], 0, 5),
            VirtualIp = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null,
        };
    }
}
