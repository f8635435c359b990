using System;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Runs pfSense's own config sync on the primary (/etc/rc.filter_synchronize over SSH), reads what pfSense recorded
/// about it, proves the secondary matches, and reports what changed. Refuses with the reason when the sync would fail
/// or do nothing, and fails with pfSense's own reason when it did not sync.
/// </summary>
[Cmdlet(VerbsData.Sync, "PfConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PfConfigSyncResult))]
public sealed class SyncPfConfigCommand : PfConfigSyncCmdlet
{
    /// <summary>How long the sync and the wait for the secondary to match may take, together: a duration, a number being seconds (1 s to 1 h).</summary>
    [Parameter]
    [Alias("TimeoutSec")]
    [Duration(1, MaximumSeconds = 3600)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Sync even when the secondary already matches in every synced section.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        EdgeSession session = CurrentSession;
        using (XmlRpcPair xmlRpc = OpenXmlRpc(session))
        {
            var service = new ConfigSyncService(session, xmlRpc);
            PfConfigSyncPlan plan = Run((reporter, token) => service.PrepareAsync(reporter, token));
            string primary = plan.Status.Primary;
            string secondary = plan.Status.Secondary;
            string sections = string.Join(", ", plan.Status.Sections);
            if (plan.Differences.Count == 0 && !Force)
            {
                WriteVerbose($"{secondary} already matches {primary} in {sections}: nothing to sync (-Force syncs anyway).");
                WriteObject(plan.NotTriggered());
                return;
            }

            string action = plan.Differences.Count == 0
                ? $"Run pfSense's config sync to {secondary} ({sections}), which already matches"
                : $"Run pfSense's config sync: overwrite {sections} on {secondary}, removing {plan.Differences.Count} difference(s)";
            if (!ShouldProcess(primary, action))
            {
                return;
            }

            PfConfigSyncResult result;
            using (HoldForChange(session, $"{primary} to {secondary}"))
            {
                result = Run((reporter, token) => service.SyncAsync(plan, Timeout, reporter, token));
            }

            if (!result.DriftGone)
            {
                string sample = string.Join("; ", result.Remaining.Take(3));
                string when = result.Outcome?.Kind == PfSyncOutcomeKind.Completed
                    ? $"after pfSense reported the sync completed ({result.Outcome.Message})"
                    : $"{DurationText.Format(Timeout)} after the sync was triggered";
                WriteError(Error("PfConfigSyncDriftRemains", ErrorCategory.OperationTimeout,
                    $"{secondary} still differs from {primary} in {result.DifferencesAfter} place(s) {when} ({sample}). "
                    + $"The sync does not remove what {secondary} keeps when merging a section, and {secondary}'s system log says why it did not apply the rest; run Compare-PfConfig.", secondary));
            }

            WriteObject(result);
        }
    }
}
