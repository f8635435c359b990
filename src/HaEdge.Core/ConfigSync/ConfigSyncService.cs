using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Checks;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;
using HaEdge.Core.Session;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// pfSense's XML-RPC config sync, checked and driven from outside: reads both nodes over XML-RPC (read-only),
/// compares the synced sections, and triggers the primary's own sync over SSH. Never writes a config itself.
/// </summary>
internal sealed class ConfigSyncService
{
    /// <summary>pfSense's own sync from this node to its sync target (docs/design/contract.md section 2).</summary>
    public const string SyncCommand = "php -f /etc/rc.filter_synchronize";

    /// <summary>Where log_error() writes the reasons a sync did not happen ("&lt;script&gt;: &lt;message&gt;").</summary>
    public const string SystemLog = "/var/log/system.log";

    /// <summary>Where update_filter_reload_status() appends the steps of a sync, its success among them.</summary>
    public const string ReloadStatus = "/var/run/filter_reload_status";

    private const string Activity = "Sync-PfConfig";

    // Which blocker names a refusal when there are several: the most fundamental first.
    private static readonly List<string> RefusalOrder = new List<string>
    {
        PfHaSyncStatus.SecondaryUnreachable, HaSyncCheck.SecondaryHasSyncTarget, HaSyncCheck.ConfigVersionMismatch,
        HaSyncCheck.PrimaryHasNoSyncTarget, HaSyncCheck.SyncTargetNotPeer, HaSyncCheck.NoSectionsTicked,
    };

    private readonly EdgeSession session;
    private readonly XmlRpcPair xmlRpc;

    public ConfigSyncService(EdgeSession session, XmlRpcPair xmlRpc)
    {
        this.session = session ?? throw new ArgumentNullException(nameof(session));
        this.xmlRpc = xmlRpc ?? throw new ArgumentNullException(nameof(xmlRpc));
    }

    /// <summary>How often the secondary is compared again while waiting for it to match.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    private FirewallDefinition Primary => session.Definition.Primary;

    private FirewallDefinition Secondary => session.Definition.Secondary;

    /// <summary>
    /// Reads the HA sync settings and firmware of both nodes and evaluates them. The primary must answer; a
    /// secondary that does not becomes a <see cref="PfHaSyncStatus.SecondaryUnreachable"/> finding.
    /// </summary>
    public async Task<PfHaSyncStatus> ReadStatusAsync(CancellationToken cancellationToken)
    {
        HaSyncPeers peers = Peers();
        Task<NodeReading> readPrimary = ReadNodeAsync(xmlRpc.Primary, cancellationToken);
        Task<NodeReading> readSecondary = ReadNodeAsync(xmlRpc.Secondary, cancellationToken);
        NodeReading primary = await readPrimary.ConfigureAwait(false);
        NodeReading secondary = await readSecondary.ConfigureAwait(false);
        if (primary.Failure != null) throw primary.Failure;

        if (secondary.Failure == null)
        {
            return new PfHaSyncStatus(Primary.Name, Secondary.Name, primary.Settings!, primary.Firmware!, secondary.Settings, secondary.Firmware,
                InThisEdge(HaSyncCheck.Evaluate(primary.Settings!, secondary.Settings!, primary.Firmware, secondary.Firmware, peers)))
            {
                Edge = session.Name,
            };
        }

        // Without the secondary's settings only the primary's own checks mean anything: evaluate against an empty
        // block and keep the findings about the primary.
        var findings = new List<Finding>
        {
            new Finding(FindingSeverity.Error, PfHaSyncStatus.SecondaryUnreachable, Secondary.Name,
                $"{Secondary.Name} could not be read over XML-RPC, so no configuration can be synchronised to it: {secondary.Failure.Message}",
                $"Check that {Secondary.Name}'s web GUI answers{(Secondary.XmlRpc == null ? "" : " at " + Secondary.XmlRpc.Url)} from here and that its XML-RPC user and password (xmlrpc.user and passwordVariable, or -XmlRpcCredential) are right."),
        };
        findings.AddRange(HaSyncCheck.Evaluate(primary.Settings!, HaSyncSettings.FromTree(null), primary.Firmware, null, peers)
            .Where(f => f.Target == Primary.Name));
        return new PfHaSyncStatus(Primary.Name, Secondary.Name, primary.Settings!, primary.Firmware!, null, null, InThisEdge(findings))
        {
            Edge = session.Name,
            SecondaryFailure = secondary.Failure,
        };
    }

    private IReadOnlyList<Finding> InThisEdge(IEnumerable<Finding> findings) => findings.Select(f => f.In(session.Name)).ToList();

    /// <summary>The sections the primary's ticked boxes synchronise.</summary>
    public async Task<IReadOnlyList<string>> TickedSectionsAsync(CancellationToken cancellationToken)
    {
        HaSyncSettings? settings = await PfConfigComparison.ReadHaSyncAsync(xmlRpc.Primary, cancellationToken).ConfigureAwait(false);
        return settings?.Sections ?? Array.Empty<string>();
    }

    /// <summary>
    /// The secondary's differences from the primary in <paramref name="sections"/>, secrets masked: drift, and the
    /// differences pfSense's sync leaves by design, each with its rule.
    /// </summary>
    public async Task<IReadOnlyList<ConfigDifference>> CompareAsync(IReadOnlyList<string> sections, CancellationToken cancellationToken) =>
        (await PfConfigComparison.CompareAsync(xmlRpc.Primary, xmlRpc.Secondary, sections, cancellationToken).ConfigureAwait(false))
            .Select(difference => difference.In(session.Name)).ToList();

    /// <summary>Only the drift of <see cref="CompareAsync"/>: what a sync changes or someone changed on the secondary.</summary>
    public async Task<IReadOnlyList<ConfigDifference>> DriftAsync(IReadOnlyList<string> sections, CancellationToken cancellationToken) =>
        (await CompareAsync(sections, cancellationToken).ConfigureAwait(false)).Where(d => !d.Expected).ToList();

    /// <summary>
    /// Checks the preconditions of a sync and compares the ticked sections. Refuses, with the reason and the fix,
    /// when pfSense's sync would fail or do nothing: secondary unreachable, loop guard, config_version mismatch,
    /// no or the wrong sync target, nothing ticked.
    /// </summary>
    public async Task<PfConfigSyncPlan> PrepareAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        try
        {
            reporter.Progress(Activity, $"Reading the HA sync settings of {Primary.Name} and {Secondary.Name}", -1);
            PfHaSyncStatus status = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<Finding> blockers = status.SyncBlockers;
            if (blockers.Count > 0) throw Refusal(blockers, status);

            reporter.Progress(Activity, $"Comparing {string.Join(", ", status.Sections)}", -1);
            IReadOnlyList<ConfigDifference> differences = await DriftAsync(status.Sections, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"{Secondary.Name} has {Count(differences.Count)} from {Primary.Name} in {string.Join(", ", status.Sections)}.");
            return new PfConfigSyncPlan(status, differences);
        }
        finally
        {
            reporter.Completed(Activity);
        }
    }

    /// <summary>
    /// Runs <see cref="SyncCommand"/> on the primary and reads what pfSense recorded about it (rc.filter_synchronize
    /// prints nothing and exits 0 whatever happens): a sync pfSense did not do is an error naming its reason at once.
    /// A completed sync is proven by comparing again; when pfSense recorded nothing recognisable the comparison is
    /// repeated until the secondary matches or <paramref name="timeout"/> (for the command and the wait together) has passed.
    /// </summary>
    public async Task<PfConfigSyncResult> SyncAsync(PfConfigSyncPlan plan, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (plan == null) throw new ArgumentNullException(nameof(plan));
        var watch = Stopwatch.StartNew();
        try
        {
            var shell = new FirewallShell(session, timeout);
            reporter.Progress(Activity, $"Running {SyncCommand} on {Primary.Name}", 0);
            RecordMark mark = await MarkRecordsAsync(shell, cancellationToken).ConfigureAwait(false);
            await TriggerAsync(shell, mark, cancellationToken).ConfigureAwait(false);
            PfSyncOutcome outcome = await ReadOutcomeAsync(shell, mark, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"{SyncCommand} finished on {Primary.Name} after {Seconds(watch.Elapsed)}; pfSense recorded {outcome}.");
            HaEdgeException? failure = Failure(outcome, null, watch.Elapsed);
            if (failure != null) throw failure;

            // A completed sync has applied on the secondary before rc.filter_synchronize returns, so one comparison
            // proves it (the loop guard, for one, answers "true" and applies nothing).
            IReadOnlyList<ConfigDifference> remaining = await DriftAsync(plan.Status.Sections, cancellationToken).ConfigureAwait(false);
            while (outcome.Kind == PfSyncOutcomeKind.Unknown && remaining.Count > 0 && watch.Elapsed + PollInterval < timeout)
            {
                reporter.Progress(Activity, $"Waiting for {Secondary.Name} to match: {Count(remaining.Count)} left",
                    (int)Math.Min(99, 100 * watch.Elapsed.TotalMilliseconds / timeout.TotalMilliseconds));
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                remaining = await DriftAsync(plan.Status.Sections, cancellationToken).ConfigureAwait(false);
            }

            var result = new PfConfigSyncResult(plan, triggered: true, watch.Elapsed, remaining) { Outcome = outcome };
            reporter.Verbose($"After {Seconds(result.Duration)}: {result.Resolved.Count} of {Count(result.DifferencesBefore)} resolved, {Count(result.DifferencesAfter)} left.");
            return result;
        }
        finally
        {
            reporter.Completed(Activity);
        }
    }

    /// <summary>
    /// The error for a sync pfSense recorded as not done (stable ids per reason), or null when it completed or
    /// recorded nothing recognisable. <paramref name="stillRunning"/> is the timeout while the command still ran.
    /// </summary>
    private HaEdgeException? Failure(PfSyncOutcome outcome, HaEdgeException? stillRunning, TimeSpan elapsed)
    {
        string p = Primary.Name, s = Secondary.Name;
        var (errorId, kind, why) = outcome.Kind switch
        {
            PfSyncOutcomeKind.NoTarget => ("PfConfigSyncNoTarget", FailureKind.InvalidOperation,
                $"{p} has no sync target, so nothing was sent. Set System > High Avail. Sync > Synchronize Config to IP on {p} to {Secondary.SyncAddress}."),
            PfSyncOutcomeKind.NothingToSync => ("PfConfigSyncNothingTicked", FailureKind.InvalidOperation,
                $"{p} sent nothing: none of its ticked HA sync boxes has a section to send (for example DHCP ticked without a DHCP server). Tick the sections to synchronise on {p}."),
            PfSyncOutcomeKind.VersionMismatch => ("PfConfigSyncVersionMismatch", FailureKind.InvalidOperation,
                $"{s} is on config version {Version(outcome.PeerConfigVersion)} and {p} on {Version(outcome.OwnConfigVersion)}; pfSense does not sync between config versions. Upgrade both firewalls to the same pfSense version."),
            PfSyncOutcomeKind.AuthenticationFailed => ("PfConfigSyncAuthenticationFailed", FailureKind.AuthenticationError,
                $"{s} refused {p}'s XML-RPC login. On {p}, check System > High Avail. Sync > Remote System Username and Password: a user on {s} that is admin or holds 'System - HA node sync'."),
            PfSyncOutcomeKind.CommunicationError => ("PfConfigSyncCommunicationError", FailureKind.ConnectionError,
                $"{p} could not reach {s}'s XML-RPC (Synchronize Config to IP, at {p}'s own web GUI port). Check the address, that {s}'s web GUI listens on that port, and the rules on {s}'s sync interface."),
            PfSyncOutcomeKind.PeerVersionUnknown => ("PfConfigSyncPeerVersionUnknown", FailureKind.InvalidOperation,
                $"{p} could not read {s}'s configuration version, so it did not sync. See {p}'s {SystemLog} for the XML-RPC error."),
            PfSyncOutcomeKind.RestoreFailed => ("PfConfigSyncRestoreFailed", FailureKind.InvalidOperation,
                $"{s} did not accept the configuration {p} sent (restore_config_section). See {s}'s {SystemLog}."),
            _ => (null, FailureKind.InvalidOperation, null),
        };
        if (errorId == null) return null;
        string still = stillRunning == null ? "" : $" (still running after {Seconds(elapsed)})";
        string recorded = outcome.Message == null ? "" : $" pfSense logged{still}: \"{outcome.Message}\".";
        return new HaEdgeException(errorId, kind, $"Config sync from {p} to {s} was not done.{recorded} {why}", p, stillRunning);

        static string Version(string? version) => string.IsNullOrEmpty(version) ? "(unknown)" : version!;
    }

    private async Task<RecordMark> MarkRecordsAsync(FirewallShell shell, CancellationToken cancellationToken) =>
        await shell.RunBatchAsync(Primary, new[] { LineCount(SystemLog), LineCount(ReloadStatus) },
            answers => new RecordMark(LineNumber(answers[0]), LineNumber(answers[1])), cancellationToken).ConfigureAwait(false);

    /// <summary>What the run added to the system log and filter_reload_status since <paramref name="mark"/>.</summary>
    private async Task<PfSyncOutcome> ReadOutcomeAsync(FirewallShell shell, RecordMark mark, CancellationToken cancellationToken) =>
        await shell.RunBatchAsync(Primary, new[] { LinesAfter(SystemLog, mark.SystemLog), LinesAfter(ReloadStatus, mark.ReloadStatus) },
            answers => PfSyncOutcome.Read(Lines(answers[0]), Lines(answers[1])), cancellationToken).ConfigureAwait(false);

    private async Task TriggerAsync(FirewallShell shell, RecordMark mark, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        SshCommandResult run;
        try
        {
            run = await shell.RunAsync(Primary, SyncCommand, cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException timeout) when (timeout.ErrorId == "SshCommandTimeout")
        {
            // An unreachable peer keeps rc.filter_synchronize retrying for minutes (4 attempts, 240 s each): what it
            // logged so far says why.
            PfSyncOutcome sofar = await ReadOutcomeAsync(new FirewallShell(session, FirewallShell.DefaultTimeout), mark, cancellationToken).ConfigureAwait(false);
            throw Failure(sofar, timeout, watch.Elapsed) ?? timeout;
        }
        if (run.ExitStatus != 0)
        {
            string said = (run.Output + "\n" + run.Error).Trim();
            throw new HaEdgeException("PfConfigSyncCommandFailed", FailureKind.InvalidOperation,
                $"{Primary.Name}: '{SyncCommand}' failed (exit status {run.ExitStatus}){(said.Length > 0 ? ": " + said : "")}. See its system log for the reason.",
                Primary.Name);
        }
    }

    // Line counts and reads of pfSense's plain-text records; a missing file counts as empty.
    private static string LineCount(string file) => $"grep -c '' {file} 2>/dev/null || :";

    private static string LinesAfter(string file, int lines) => $"tail -n +{(lines + 1).ToString(CultureInfo.InvariantCulture)} {file} 2>/dev/null || :";

    private static int LineNumber(string answer) =>
        int.TryParse(answer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static IReadOnlyList<string> Lines(string answer) => answer.Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0).ToList();

    private HaEdgeException Refusal(IReadOnlyList<Finding> blockers, PfHaSyncStatus status)
    {
        // The first blocker names the error; the message lists them all with their fixes.
        Finding first = blockers.OrderBy(f => RefusalOrder.IndexOf(f.Code)).First();
        var (errorId, kind) = first.Code switch
        {
            PfHaSyncStatus.SecondaryUnreachable => ("PfConfigSyncPeerUnreachable", status.SecondaryFailure?.Kind ?? FailureKind.ConnectionError),
            HaSyncCheck.SecondaryHasSyncTarget => ("PfConfigSyncLoopGuard", FailureKind.InvalidOperation),
            HaSyncCheck.ConfigVersionMismatch => ("PfConfigSyncVersionMismatch", FailureKind.InvalidOperation),
            _ => ("PfConfigSyncNotConfigured", FailureKind.InvalidOperation),
        };
        string reasons = string.Join(" ", blockers.Select(f => $"{f.Message} Fix: {f.Remediation}"));
        return new HaEdgeException(errorId, kind,
            $"Config sync from {status.Primary} to {status.Secondary} was not triggered: {reasons}", first.Target);
    }

    private HaSyncPeers Peers()
    {
        string SyncAddressOf(FirewallDefinition firewall) => firewall.SyncAddress
            ?? throw new HaEdgeException("SyncAddressMissing", FailureKind.InvalidArgument,
                $"{firewall.Name} has no syncAddress in '{session.Definition.Path}': name its address on the sync segment, which the HA sync checks compare with.",
                firewall.Name);
        return new HaSyncPeers(Primary.Name, SyncAddressOf(Primary), Secondary.Name, SyncAddressOf(Secondary));
    }

    private static async Task<NodeReading> ReadNodeAsync(IPfXmlRpcClient client, CancellationToken cancellationToken)
    {
        try
        {
            PfFirmwareInfo firmware = await client.HostFirmwareVersionAsync(cancellationToken).ConfigureAwait(false);
            // A node without a <hasync> block has everything off, which is what an empty block reads as.
            HaSyncSettings settings = await PfConfigComparison.ReadHaSyncAsync(client, cancellationToken).ConfigureAwait(false)
                ?? HaSyncSettings.FromTree(null);
            return new NodeReading(settings, firmware, null);
        }
        catch (HaEdgeException e)
        {
            return new NodeReading(null, null, e);
        }
    }

    private static string Count(int differences) => differences == 1 ? "1 difference" : $"{differences.ToString(CultureInfo.InvariantCulture)} differences";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>How many lines the primary's system log and filter_reload_status had before the sync ran.</summary>
    private sealed class RecordMark
    {
        public RecordMark(int systemLog, int reloadStatus)
        {
            SystemLog = systemLog;
            ReloadStatus = reloadStatus;
        }

        public int SystemLog { get; }

        public int ReloadStatus { get; }
    }

    private sealed class NodeReading
    {
        public NodeReading(HaSyncSettings? settings, PfFirmwareInfo? firmware, HaEdgeException? failure)
        {
            Settings = settings;
            Firmware = firmware;
            Failure = failure;
        }

        public HaSyncSettings? Settings { get; }

        public PfFirmwareInfo? Firmware { get; }

        public HaEdgeException? Failure { get; }
    }
}
