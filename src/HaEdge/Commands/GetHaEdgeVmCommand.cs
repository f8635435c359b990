using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>The edge's firewall VMs: where they run, their state, HA state, NICs, passthrough and firewall options.</summary>
[Cmdlet(VerbsCommon.Get, "HaEdgeVm")]
[OutputType(typeof(HaEdgeVm))]
public sealed class GetHaEdgeVmCommand : EdgeRowsCmdlet
{
    private readonly Dictionary<EdgeSession, FirewallSelection> selections = new Dictionary<EdgeSession, FirewallSelection>();
    private readonly List<string> nodePatterns = new List<string>();

    /// <summary>Only these firewalls, by their name in the edge definition (wildcards allowed). Binds strings and the Firewall property of HaEdge objects.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(FirewallNameCompleter))]
    [Names("Firewall", "Node")]
    public string[]? Firewall { get; set; }

    /// <summary>Only the VMs running on these Proxmox nodes (wildcards allowed). Binds the Node property of Get-HaEdgeNode.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>With several sessions: how many edges are read at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessRecord()
    {
        SelectFirewalls(selections, Firewall);
        nodePatterns.AddRange(Node ?? Array.Empty<string>());
    }

    protected override void EndProcessing()
    {
        List<EdgeSession> sessions = selections.Keys.ToList();
        var notFound = new MissingInEveryEdge(nodePatterns);
        var chosen = sessions.ToDictionary(s => s, s => s.Definition.Firewalls.Where(f => selections[s].Includes(f.Name)).ToArray());
        ForEachEdge(sessions.Where(s => chosen[s].Length > 0).ToList(), ThrottleLimit,
            (session, _, token) => EdgeInventory.GetVmsAsync(session.Proxmox, session.Definition, chosen[session], token), (session, vms) =>
        {
            IReadOnlyList<string> missing = Array.Empty<string>();
            if (nodePatterns.Count > 0)
            {
                vms = NameFilter.Select(vms, vm => vm.Node, nodePatterns, out missing);
            }

            notFound.Answered(missing);
            foreach (HaEdgeVm vm in vms)
            {
                if (vm.Status == "missing")
                {
                    WriteError(ErrorIn(session, new HaEdgeException("VmNotFound", FailureKind.ObjectNotFound,
                        $"The cluster has no VM {vm.VmId} for firewall {vm.Firewall}.", vm.Firewall), sessions.Count > 1));
                }

                WriteObject(vm with { Edge = session.Name });
            }
        });

        foreach (string node in notFound.Names)
        {
            var expected = sessions.SelectMany(s => chosen[s].Select(f => $"{f.Name} should run on {f.Node}{(sessions.Count > 1 ? " (" + s.Name + ")" : "")}")).ToList();
            WriteError(Error("NoFirewallVmOnNode", ErrorCategory.ObjectNotFound,
                $"No firewall VM of {(sessions.Count > 1 ? "these edges" : $"edge '{sessions[0].Name}'")} runs on node '{node}'"
                + (expected.Count == 0 ? "." : $"; {string.Join(", ", expected)}."), node));
        }
    }
}
