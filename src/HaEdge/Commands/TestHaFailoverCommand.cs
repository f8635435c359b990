using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using HaEdge.Core;
using HaEdge.Core.Failover;
using HaEdge.Core.Failover.Adapters;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Gateways;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Proves the pair fails over and back: injects each scenario's fault with probes running, measures the
/// outage, session survival and failback, and undoes every fault whatever happens.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HaFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(FailoverResult))]
public sealed class TestHaFailoverCommand : HaEdgeSessionCmdlet
{
    /// <summary>The scenarios to run, in order. Combined runs only after WanPull and HardStop passed (or with -Force).</summary>
    [Parameter(Position = 0)]
    public FailoverScenario[] Scenario { get; set; } = { FailoverScenario.Maintenance, FailoverScenario.HardStop };

    /// <summary>How WanPull fails the primary WAN.</summary>
    [Parameter]
    public WanPullMethod WanPullMethod { get; set; } = WanPullMethod.GatewayForceDown;

    /// <summary>GatewayForceDown: the gateway to mark down (default: the MASTER's default gateway). Tab completes the gateways the last Get-PfGateway of the session read.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(GatewayNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? WanGateway { get; set; }

    /// <summary>LinkDown: the netN of the MASTER's WAN NIC (default: the definition's first WAN segment).</summary>
    [Parameter]
    [ValidateRange(0, 31)]
    public int? WanNet { get; set; }

    /// <summary>UserAction: pulls the WAN (for example switches a smart plug off).</summary>
    [Parameter]
    public ScriptBlock? WanPullScript { get; set; }

    /// <summary>UserAction: restores the WAN; must be safe to run after a half-done pull.</summary>
    [Parameter]
    public ScriptBlock? WanRestoreScript { get; set; }

    /// <summary>Time between probes (default 200 ms, at least 20 ms): a duration, a number being seconds.</summary>
    [Parameter]
    [Duration(0.02)]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Also run the definition's HTTP download probe.</summary>
    [Parameter]
    public SwitchParameter IncludeDownload { get; set; }

    /// <summary>Pass criterion: the longest outage allowed in either direction (at least 100 ms): a duration, a number being seconds.</summary>
    [Parameter]
    [Duration(0.1)]
    public TimeSpan MaxOutage { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the probes run before the fault, to show the edge answering (default 3 s, at least 1 s): a duration, a number being seconds.</summary>
    [Parameter]
    [Duration(1)]
    public TimeSpan Baseline { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long to hold after the failover and the failback before judging: a duration, a number being seconds.</summary>
    [Parameter]
    [Duration(0)]
    public TimeSpan Settle { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long undoing a fault and waiting for the edge to be whole again may take before the run gives up
    /// and says what is left to fix (default 4 minutes: a hard-stopped firewall boots and rejoins first; at least 1 s): a duration, a number being seconds.</summary>
    [Parameter]
    [Duration(1)]
    public TimeSpan RestoreTimeout { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>Write one self-contained HTML report with a timeline chart to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>Run despite failed preflight gates, and Combined without both single scenarios passing first.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        EdgeSession session = CurrentSession;
        var options = new FailoverOptions
        {
            MaxOutage = MaxOutage,
            MaxFailbackOutage = MaxOutage,
            Baseline = Baseline,
            Settle = Settle,
            FailbackSettle = Settle,
            RestoreTimeout = RestoreTimeout,
            Force = Force.IsPresent,
        };
        var probes = new ProbeOptions { Interval = ProbeInterval };
        FailoverEnvironment environment = Check(() => SessionFailover.Create(session, WanPull(), probes, IncludeDownload.IsPresent,
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120)));
        IReadOnlyList<FailoverPlanStep> plan = Check(() => FailoverPlan.Of(environment, options, Scenario));

        if (MyInvocation.BoundParameters.ContainsKey("WhatIf"))
        {
            // The plan, step by step, and nothing touched.
            foreach (FailoverPlanStep step in plan)
            {
                ShouldProcess(step.Target, $"{step.Scenario} {step.Order}. {step.Kind}: {step.Action}");
            }

            return;
        }

        string faults = string.Join("; ", plan.Where(s => s.Kind == PlanStepKind.Fault).Select(s => $"{s.Scenario}: {s.Action}"));
        if (!ShouldProcess(session.Name, $"Inject faults into the live edge and undo them ({faults})"))
        {
            return;
        }

        using IDisposable held = HoldForChange(session, string.Join(", ", Scenario));
        // Read before the first scenario, so the preflight reuses the firewalls' releases it reads on each connection.
        FailoverRunInfo run = Await((_, token) => SessionRunInfo.ReadAsync(session, RunUser(), Environment.MachineName,
            MyInvocation.MyCommand.Module?.Version?.ToString(), TimeSpan.FromSeconds(10), token));
        var runner = new FailoverRunner(environment, options, Reporter, run: run);

        // Each result is written on the pipeline thread as its scenario ends, and the report is written whatever stops the run.
        var results = new List<FailoverResult>();
        try
        {
            Await(async (_, token) =>
            {
                await runner.RunAsync(Scenario, result => InvokeOnPipelineAsync(() =>
                {
                    session.Remember(result);
                    results.Add(result);
                    WriteObject(result);
                }), token).ConfigureAwait(false);
                return true;
            });
        }
        catch (FailoverRestoreIncompleteException e)
        {
            if (e.Result != null)
            {
                session.Remember(e.Result);
                results.Add(e.Result);
                WriteObject(e.Result);
            }

            ThrowTerminatingError(ErrorFrom(e));
        }
        catch (HaEdgeException e)
        {
            ThrowTerminatingError(ErrorFrom(e));
        }
        finally
        {
            WriteReport(results, session.Name);
        }
    }

    private void WriteReport(IReadOnlyList<FailoverResult> results, string edge)
    {
        if (ReportPath == null || results.Count == 0)
        {
            return;
        }

        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ReportPath);
        FailoverReport.WriteHtml(results, path, $"HaEdge failover report: {edge}");
        WriteVerbose($"Report written to {path}.");
    }

    private static string RunUser() =>
        string.IsNullOrEmpty(Environment.UserDomainName) || Environment.UserDomainName == Environment.MachineName
            ? Environment.UserName
            : Environment.UserDomainName + "\\" + Environment.UserName;

    private WanPullChoice WanPull()
    {
        var choice = new WanPullChoice { Method = WanPullMethod, Gateway = WanGateway, WanNet = WanNet };
        if (WanPullMethod == WanPullMethod.UserAction)
        {
            if (WanPullScript == null || WanRestoreScript == null)
            {
                ThrowTerminatingError(Error("WanPullScriptMissing", ErrorCategory.InvalidArgument,
                    "-WanPullMethod UserAction needs both -WanPullScript and -WanRestoreScript.", null));
            }

            // The user's script blocks run on the pipeline thread, where PowerShell allows them.
            choice.Pull = _ => InvokeOnPipelineAsync(() => WanPullScript!.Invoke());
            choice.Restore = token => InvokeOnPipelineAsync(() => InvokeRestoreScript(WanRestoreScript!, token));
            // Never the script's text: it may hold a smart plug's token, and the description reaches the result and the report.
            choice.Description = "the -WanPullScript and -WanRestoreScript script blocks";
        }

        return choice;
    }

    /// <summary>
    /// Runs the user's restore script within <paramref name="cancellationToken"/>'s deadline. Normally in a nested
    /// pipeline of this runspace (it sees the caller's variables, as ScriptBlock.Invoke would, and can be stopped
    /// when the time runs out). After Ctrl+C PowerShell runs no more script on this pipeline, yet the WAN must come
    /// back: the script then runs in a runspace of its own, in the caller's language mode, without the session's
    /// variables, and is stopped when the restore's own time runs out.
    /// </summary>
    private void InvokeRestoreScript(ScriptBlock restore, CancellationToken cancellationToken)
    {
        if (!Stopping)
        {
            using PowerShell nested = PowerShell.Create(RunspaceMode.CurrentRunspace);
            nested.AddCommand(@"Microsoft.PowerShell.Core\Invoke-Command").AddParameter("ScriptBlock", restore);
            using (cancellationToken.Register(() => nested.BeginStop(null, null)))
            {
                try
                {
                    // A terminating error in the script throws here, as it does from ScriptBlock.Invoke.
                    nested.Invoke();
                }
                catch (PipelineStoppedException) when (Stopping)
                {
                }
            }

            if (nested.InvocationStateInfo.State != PSInvocationState.Stopped)
            {
                return;
            }

            if (!Stopping)
            {
                throw new OperationCanceledException("The WAN restore script did not finish in time.", cancellationToken);
            }
        }

        InitialSessionState state = InitialSessionState.CreateDefault2();
        state.LanguageMode = SessionState.LanguageMode;
        using Runspace runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using PowerShell detached = PowerShell.Create();
        detached.Runspace = runspace;
        detached.AddScript(restore.ToString());
        IAsyncResult running = detached.BeginInvoke();
        if (WaitHandle.WaitAny(new[] { running.AsyncWaitHandle, cancellationToken.WaitHandle }) != 0)
        {
            detached.Stop();
            throw new OperationCanceledException("The WAN restore script did not finish in time.", cancellationToken);
        }

        // A terminating error in the script throws here, as it does from ScriptBlock.Invoke.
        detached.EndInvoke(running);
    }
}
