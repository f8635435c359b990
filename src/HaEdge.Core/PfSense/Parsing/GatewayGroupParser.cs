using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using HaEdge.Core.Model.PfSense;

namespace HaEdge.Core.PfSense.Parsing
{
    /// <summary>
    /// Reads the JSON of <c>config_get_path("gateways/gateway_group")</c>: groups with <c>name</c>, <c>trigger</c>, <c>descr</c>
    /// and <c>item</c> entries <c>"GATEWAY|tier|vip"</c>. pfSense's XML-to-array gives a single item as a plain string
    /// and several as a list, so both are accepted; so is a single group object.
    /// </summary>
    public static class GatewayGroupParser
    {
        private const string Kind = "gateway groups";

        public static IReadOnlyList<GatewayGroup> Parse(string text)
        {
            ParseText.RequireText(text, Kind);
            return JsonText.Read<IReadOnlyList<GatewayGroup>>(text, Kind, root =>
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out _)) return new[] { ReadGroup("0", root) };
                if (root.ValueKind != JsonValueKind.Object && root.ValueKind != JsonValueKind.Array)
                    throw ParseText.Unparsable(Kind, "the JSON is not a list of gateway groups");
                return JsonText.Entries(root).Select(e => ReadGroup(e.Key, e.Value)).ToList();
            });
        }

        private static GatewayGroup ReadGroup(string key, JsonElement group)
        {
            if (group.ValueKind != JsonValueKind.Object) throw ParseText.Unparsable(Kind, $"group {key} is not a JSON object");
            var name = JsonText.Text(group, "name");
            if (string.IsNullOrEmpty(name)) throw ParseText.Unparsable(Kind, $"group {key} has no name");
            var items = !group.TryGetProperty("item", out var item) ? Enumerable.Empty<JsonElement>()
                : item.ValueKind == JsonValueKind.Array ? item.EnumerateArray()
                : new[] { item };
            return new GatewayGroup
            {
                Name = name!,
                Trigger = JsonText.Text(group, "trigger"),
                Description = JsonText.Text(group, "descr"),
                Members = items.Select(i => ReadMember(name!, i)).ToList(),
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
}
