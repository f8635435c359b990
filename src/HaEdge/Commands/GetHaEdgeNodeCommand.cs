using System;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Inventory;
using HaEdge.Core.Model;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>The Proxmox nodes of the edge's cluster with their online state and the cluster's quorum.</summary>
    [Cmdlet(VerbsCommon.Get, "HaEdgeNode")]
    [OutputType(typeof(HaEdgeNode))]
    public sealed class GetHaEdgeNodeCommand : HaEdgeSessionCmdlet
    {
        /// <summary>Only these nodes (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Node")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            var nodes = Run((_, token) => EdgeInventory.GetNodesAsync(session.Proxmox, session.Definition, token));
            var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            foreach (HaEdgeNode node in nodes.Where(n => patterns == null || patterns.Any(p => p.IsMatch(n.Node))))
            {
                WriteObject(node);
            }

            foreach (string missing in Name?.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !nodes.Any(x => string.Equals(x.Node, n, StringComparison.OrdinalIgnoreCase))) ?? Enumerable.Empty<string>())
            {
                WriteError(Error("NodeNotFound", ErrorCategory.ObjectNotFound, $"The cluster has no node '{missing}'.", missing));
            }
        }
    }
}
