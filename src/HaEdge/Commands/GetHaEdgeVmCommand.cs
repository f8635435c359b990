using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Model;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>The edge's firewall VMs: where they run, their state, HA state, NICs, passthrough and firewall options.</summary>
    [Cmdlet(VerbsCommon.Get, "HaEdgeVm")]
    [OutputType(typeof(HaEdgeVm))]
    public sealed class GetHaEdgeVmCommand : HaEdgeSessionCmdlet
    {
        /// <summary>Only these firewalls, by their name in the edge definition.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Firewall { get; set; }

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            FirewallDefinition[] firewalls = Firewall == null
                ? session.Definition.Firewalls.ToArray()
                : Firewall.Select(name => Check(() => session.Firewall(name))).ToArray();
            foreach (HaEdgeVm vm in Run((_, token) => EdgeInventory.GetVmsAsync(session.Proxmox, session.Definition, firewalls, token)))
            {
                if (vm.Status == "missing")
                {
                    WriteError(Error("VmNotFound", ErrorCategory.ObjectNotFound,
                        $"The cluster has no VM {vm.VmId} for firewall {vm.Firewall}.", vm.Firewall));
                }

                WriteObject(vm);
            }
        }
    }
}
