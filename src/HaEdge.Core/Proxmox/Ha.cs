using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.Proxmox;

/// <summary>GET /cluster/ha/resources: one HA-managed guest.</summary>
internal sealed record HaResource
{
    /// <summary>Service id, <c>vm:101</c> or <c>ct:200</c>.</summary>
    public string Sid { get; init; } = "";

    /// <summary>vm or ct.</summary>
    public string Type { get; init; } = "";

    /// <summary>The guest id from the sid, or null when the sid has no number.</summary>
    public int? VmId { get; init; }

    /// <summary>Requested state: started (default), stopped, enabled, disabled, ignored.</summary>
    public string State { get; init; } = "started";

    /// <summary>PVE 8 HA group; null once groups are migrated to rules (PVE 9).</summary>
    public string? Group { get; init; }

    /// <summary>Move back to the preferred node when it returns (default on).</summary>
    public bool Failback { get; init; } = true;

    public int MaxRestart { get; init; } = 1;

    public int MaxRelocate { get; init; } = 1;

    public string? Comment { get; init; }

    public string? Digest { get; init; }
}

internal enum HaRuleType
{
    Unknown,
    NodeAffinity,
    ResourceAffinity,
}

internal enum HaAffinity
{
    Positive,
    Negative,
}

/// <summary>A node with its optional priority, as in <c>nodes node1:2,node2</c> (higher priority is preferred).</summary>
internal sealed record HaNodePriority
{
    public HaNodePriority(string node, int? priority = null)
    {
        Node = node;
        Priority = priority;
    }

    public string Node { get; }

    public int? Priority { get; }

    public override string ToString() =>
        Priority.HasValue ? Node + ":" + Priority.Value.ToString(CultureInfo.InvariantCulture) : Node;

    /// <summary>Parses <c>node1:2,node2</c>; a priority that is not a number is refused.</summary>
    public static IReadOnlyList<HaNodePriority> ParseList(string? text)
    {
        var list = new List<HaNodePriority>();
        foreach (var item in HaEdge.Core.Proxmox.JsonValue.SplitList(text, ',', ' '))
        {
            var colon = item.IndexOf(':');
            if (colon < 0)
            {
                list.Add(new HaNodePriority(item));
                continue;
            }
            var priorityText = item.Substring(colon + 1);
            if (!int.TryParse(priorityText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var priority))
            {
                throw new HaEdgeException("ProxmoxInvalidHaNodeList", FailureKind.InvalidData,
                    $"'{text}' is not an HA node list: priority '{priorityText}' of '{item}' is not a number.");
            }
            list.Add(new HaNodePriority(item.Substring(0, colon), priority));
        }
        return list;
    }

    public static string FormatList(IEnumerable<HaNodePriority> nodes) => string.Join(",", nodes.Select(node => node.ToString()));
}

/// <summary>
/// GET /cluster/ha/rules (PVE 9), also the input of create/update. A firewall pair wants a
/// <see cref="HaRuleType.ResourceAffinity"/> rule with <see cref="HaAffinity.Negative"/> over both VMs.
/// </summary>
internal sealed record HaRule
{
    /// <summary>The rule id.</summary>
    public string Rule { get; init; } = "";

    public HaRuleType Type { get; init; }

    /// <summary>The type exactly as PVE names it (node-affinity, resource-affinity).</summary>
    public string TypeName => Type switch
    {
        HaRuleType.NodeAffinity => "node-affinity",
        HaRuleType.ResourceAffinity => "resource-affinity",
        _ => UnknownTypeName ?? "",
    };

    /// <summary>The type text when PVE sends one this enum does not know.</summary>
    public string? UnknownTypeName { get; init; }

    /// <summary>Service ids, <c>vm:101</c>, <c>vm:102</c>.</summary>
    public IReadOnlyList<string> Resources { get; init; } = Array.Empty<string>();

    /// <summary>resource-affinity only.</summary>
    public HaAffinity? Affinity { get; init; }

    /// <summary>node-affinity only.</summary>
    public IReadOnlyList<HaNodePriority> Nodes { get; init; } = Array.Empty<HaNodePriority>();

    /// <summary>node-affinity only: the resources may run on the listed nodes only (default off).</summary>
    public bool Strict { get; init; }

    public bool Disabled { get; init; }

    public bool Enabled => !Disabled;

    public string? Comment { get; init; }

    /// <summary>Set on reads; sent back on update so a concurrent change is refused.</summary>
    public string? Digest { get; init; }
}

/// <summary>GET /cluster/ha/groups (PVE 8; migrated to node-affinity rules in PVE 9).</summary>
internal sealed record HaGroup
{
    public string Group { get; init; } = "";

    public IReadOnlyList<HaNodePriority> Nodes { get; init; } = Array.Empty<HaNodePriority>();

    /// <summary>Resources may run on the group's nodes only.</summary>
    public bool Restricted { get; init; }

    public bool NoFailback { get; init; }

    public string? Comment { get; init; }

    public string? Digest { get; init; }
}

/// <summary>One entry of GET /cluster/ha/status/current (quorum, master, lrm, service or fencing).</summary>
internal sealed record HaStatusEntry
{
    public string Id { get; init; } = "";

    /// <summary>quorum, master, lrm, service, fencing (or what a newer PVE adds).</summary>
    public string Type { get; init; } = "";

    public string? Node { get; init; }

    public string? Status { get; init; }

    /// <summary>Quorum entries: whether the cluster is quorate.</summary>
    public bool? Quorate { get; init; }

    /// <summary>Service entries: the service id (vm:101).</summary>
    public string? Sid { get; init; }

    public string? State { get; init; }

    public string? CrmState { get; init; }

    public string? RequestState { get; init; }

    public int? MaxRestart { get; init; }

    public int? MaxRelocate { get; init; }

    public bool? Failback { get; init; }

    /// <summary>lrm/master entries: last update, Unix seconds.</summary>
    public long? Timestamp { get; init; }
}
