using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>The edge's firewall VMs: where they run, their state, HA state, NICs, passthrough and firewall options.</summary>
[Cmdlet(VerbsCommon.Get, "HaEdgeVm")]
[OutputType(typeof(HaEdgeVm))]
public sealed class GetHaEdgeVmCommand : HaEdgeSessionCmdlet
{
    private readonly FirewallSelection selection = new FirewallSelection();
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

    protected override void ProcessRecord()
    {
        selection.Add(Firewall == null ? null : FirewallsNamed(CurrentSession, Firewall));
        nodePatterns.AddRange(Node ?? Array.Empty<string>());
    }

    protected override void EndProcessing()
    {
        EdgeSession session = CurrentSession;
        FirewallDefinition[] firewalls = session.Definition.Firewalls.Where(f => selection.Includes(f.Name)).ToArray();
        if (firewalls.Length == 0)
        {
            return;
        }

        IReadOnlyList<HaEdgeVm> vms = Run((_, token) => EdgeInventory.GetVmsAsync(session.Proxmox, session.Definition, firewalls, token));
        IReadOnlyList<string> missing = Array.Empty<string>();
        if (nodePatterns.Count > 0)
        {
            vms = NameFilter.Select(vms, vm => vm.Node, nodePatterns, out missing);
        }

        foreach (HaEdgeVm vm in vms)
        {
            if (vm.Status == "missing")
            {
                WriteError(Error("VmNotFound", ErrorCategory.ObjectNotFound,
                    $"The cluster has no VM {vm.VmId} for firewall {vm.Firewall}.", vm.Firewall));
            }

            WriteObject(vm);
        }

        foreach (string node in missing.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            WriteError(Error("NoFirewallVmOnNode", ErrorCategory.ObjectNotFound,
                $"No firewall VM of edge '{session.Name}' runs on node '{node}'"
                + (firewalls.Length == 0 ? "." : $"; {string.Join(", ", firewalls.Select(f => f.Name))} should run on {string.Join(", ", firewalls.Select(f => f.Node))}."), node));
        }
    }
}
