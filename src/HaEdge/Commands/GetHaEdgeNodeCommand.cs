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
public sealed class GetHaEdgeNodeCommand : EdgeRowsCmdlet
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
        SessionsOfRecord();
        all |= Node == null;
        patterns.AddRange(Node ?? Array.Empty<string>());
    }

    /// <summary>With several sessions: how many edges are read at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void EndProcessing()
    {
        IReadOnlyList<EdgeSession> sessions = SessionsOfAllRecords;
        var notFound = new MissingInEveryEdge(patterns);
        var known = new List<string>();
        ForEachEdge(sessions, ThrottleLimit, (session, _, token) => EdgeInventory.GetNodesAsync(session.Proxmox, session.Definition, token), (session, nodes) =>
        {
            IReadOnlyList<string> missing = Array.Empty<string>();
            var chosen = all ? nodes : NameFilter.Select(nodes, n => n.Node, patterns, out missing);
            WriteObject(chosen.Select(n => n with { Edge = session.Name }), enumerateCollection: true);
            notFound.Answered(missing);
            known.AddRange(nodes.Select(n => sessions.Count > 1 ? $"{n.Node} ({session.Name})" : n.Node));
        });

        foreach (string name in notFound.Names)
        {
            WriteError(Error("NodeNotFound", ErrorCategory.ObjectNotFound,
                $"{(sessions.Count > 1 ? "No edge's cluster has" : "The cluster has no")} node '{name}'; {(sessions.Count > 1 ? "they have" : "it has")} {string.Join(", ", known)}.", name));
        }
    }
}
