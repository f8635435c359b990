using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Inventory;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>The Proxmox nodes of the edge's cluster with their online state and the cluster's quorum.</summary>
[Cmdlet(VerbsCommon.Get, "HaEdgeNode")]
[OutputType(typeof(HaEdgeNode))]
public sealed class GetHaEdgeNodeCommand : HaEdgeSessionCmdlet
{
    private readonly List<string> patterns = new List<string>();
    private bool all;

    /// <summary>
    /// Only these nodes (wildcards allowed). Binds strings and the Node property of HaEdge objects (Get-HaEdgeVm
    /// rows); -Name, the parameter's earlier name, is an alias.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Names("Node")]
    public string[]? Node { get; set; }

    protected override void ProcessRecord()
    {
        all |= Node == null;
        patterns.AddRange(Node ?? Array.Empty<string>());
    }

    protected override void EndProcessing()
    {
        EdgeSession session = CurrentSession;
        IReadOnlyList<HaEdgeNode> nodes = Run((_, token) => EdgeInventory.GetNodesAsync(session.Proxmox, session.Definition, token));
        IReadOnlyList<string> missing = Array.Empty<string>();
        WriteObject(all ? nodes : NameFilter.Select(nodes, n => n.Node, patterns, out missing), enumerateCollection: true);
        foreach (string name in missing.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            WriteError(Error("NodeNotFound", ErrorCategory.ObjectNotFound,
                $"The cluster has no node '{name}'; it has {string.Join(", ", nodes.Select(n => n.Node))}.", name));
        }
    }
}
