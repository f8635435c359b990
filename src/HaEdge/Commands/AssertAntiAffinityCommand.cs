using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Checks;
using HaEdge.Core.Inventory;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Asserts that the two firewall VMs are on different nodes and stay apart: outside HA by configuration, or as HA
/// resources kept apart by a negative resource-affinity rule (PVE 9) or restricted HA groups (PVE 8). An Error
/// finding ends in a terminating error so a runbook stops; -PassThru returns the findings instead.
/// ConfirmImpact Medium: -Repair writes cluster HA policy (one rule, or two groups and their bindings; reversible)
/// but never moves, stops or restarts a VM, and never adds or removes an HA resource.
/// </summary>
[Cmdlet(VerbsLifecycle.Assert, "AntiAffinity", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Finding))]
public sealed class AssertAntiAffinityCommand : EdgeRowsCmdlet
{
    private readonly List<HaEdgeVm> piped = new List<HaEdgeVm>();

    /// <summary>Firewall VMs as Get-HaEdgeVm returned them; the edge's other firewall is read.</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public HaEdgeVm[]? Vm { get; set; }

    /// <summary>PVE 9: create the negative resource-affinity rule, or enable the disabled one. PVE 8: pin each VM with a restricted HA group of its node.</summary>
    [Parameter]
    public SwitchParameter Repair { get; set; }

    /// <summary>Return every finding instead of ending in an error.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        // The piped VMs' edge (their Edge binds -Session), one edge for the whole pipeline.
        OneEdgeOfRecords();
        if (Vm != null)
        {
            piped.AddRange(Vm);
        }
    }

    protected override void EndProcessing()
    {
        EdgeSession session = SessionsOfAllRecords[0];
        foreach (HaEdgeVm vm in piped.Where(vm => session.Definition.Firewalls.All(firewall => firewall.Name != vm.Firewall)))
        {
            ThrowTerminatingError(Error("VmNotInEdge", ErrorCategory.InvalidArgument,
                $"Firewall '{vm.Firewall}' (VM {vm.VmId}) is not part of edge '{session.Name}'.", vm));
        }
        // The last object piped for a firewall is the newest.
        HaEdgeVm[] known = piped.GroupBy(vm => vm.Firewall).Select(same => same.Last()).ToArray();

        AntiAffinityFacts facts = Run((_, token) => CheckReader.ReadAntiAffinityAsync(session.Proxmox, session.Definition, known, token));
        if (Repair && RepairRule(session, facts))
        {
            // Judge the cluster as it is after the write; the VMs themselves did not change.
            facts = Run((_, token) => CheckReader.ReadAntiAffinityAsync(session.Proxmox, session.Definition, new[] { facts.Primary, facts.Secondary }, token));
        }
        Report(AntiAffinityCheck.Evaluate(facts).Select(finding => finding.In(session.Name)).ToList());
    }

    /// <summary>True when HA policy was written.</summary>
    private bool RepairRule(EdgeSession session, AntiAffinityFacts facts)
    {
        AntiAffinityRepair? repair;
        try
        {
            repair = AntiAffinityRepair.Plan(facts);
        }
        catch (HaEdgeException e)
        {
            WriteFailure(e);
            return false;
        }
        if (repair == null)
        {
            WriteVerbose("Nothing to repair: HA keeps the firewalls apart already, or they are not HA resources (their placement is by configuration).");
            return false;
        }
        if (!ShouldProcess($"HA policy of cluster {facts.Cluster.ClusterName ?? session.Name}", repair.Action))
        {
            return false;
        }
        Run((_, token) => repair.ApplyAsync(session.Proxmox, token));
        return true;
    }

    private void Report(IReadOnlyList<Finding> findings)
    {
        if (PassThru)
        {
            WriteObject(findings, enumerateCollection: true);
            return;
        }
        foreach (Finding finding in findings)
        {
            string text = $"{finding.Code} [{finding.Target}]: {finding.Message} Fix: {finding.Remediation}";
            if (finding.Severity == FindingSeverity.Warning) WriteWarning(text);
            if (finding.Severity == FindingSeverity.Information) WriteVerbose(text);
        }
        Finding[] errors = findings.Where(finding => finding.Severity == FindingSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            string message = "Anti-affinity is not assured: " + string.Join(" ",
                errors.Select(error => $"{error.Code} [{error.Target}]: {error.Message} Fix: {error.Remediation}"));
            ThrowTerminatingError(new ErrorRecord(new HaEdgeException("AntiAffinityViolated", FailureKind.InvalidOperation, message),
                "AntiAffinityViolated", ErrorCategory.InvalidResult, errors));
        }
    }
}
