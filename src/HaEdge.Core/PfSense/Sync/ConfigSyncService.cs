using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Model.Sync;
using HaEdge.Core.PfSense.Config;
using HaEdge.Core.PfSense.Services;
using HaEdge.Core.PfSense.XmlRpc;
using HaEdge.Core.Session;
using HaEdge.Core.Transport;

namespace HaEdge.Core.PfSense.Sync
{
    /// <summary>
    /// pfSense's XML-RPC config sync, checked and driven from outside: reads both nodes over XML-RPC (read-only),
    /// compares the synced sections, and triggers the primary's own sync over SSH. Never writes a config itself.
    /// </summary>
    public sealed class ConfigSyncService
    {
        /// <summary>pfSense's own sync from this node to its sync target (docs/design/contract.md section 2).</summary>
        public const string SyncCommand = "php -f /etc/rc.filter_synchronize";

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
                    HaSyncCheck.Evaluate(primary.Settings!, secondary.Settings!, primary.Firmware, secondary.Firmware, peers));
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
            return new PfHaSyncStatus(Primary.Name, Secondary.Name, primary.Settings!, primary.Firmware!, null, null, findings)
            {
                SecondaryFailure = secondary.Failure,
            };
        }

        /// <summary>The sections the primary's ticked boxes synchronise.</summary>
        public async Task<IReadOnlyList<string>> TickedSectionsAsync(CancellationToken cancellationToken)
        {
            HaSyncSettings? settings = await PfConfigComparison.ReadHaSyncAsync(xmlRpc.Primary, cancellationToken).ConfigureAwait(false);
            return settings?.Sections ?? Array.Empty<string>();
        }

        /// <summary>The secondary's differences from the primary in <paramref name="sections"/>, secrets masked.</summary>
        public Task<IReadOnlyList<ConfigDifference>> CompareAsync(IReadOnlyList<string> sections, CancellationToken cancellationToken) =>
            PfConfigComparison.CompareAsync(xmlRpc.Primary, xmlRpc.Secondary, sections, null, cancellationToken);

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
                IReadOnlyList<ConfigDifference> differences = await CompareAsync(status.Sections, cancellationToken).ConfigureAwait(false);
                reporter.Verbose($"{Secondary.Name} has {Count(differences.Count)} from {Primary.Name} in {string.Join(", ", status.Sections)}.");
                return new PfConfigSyncPlan(status, differences);
            }
            finally
            {
                reporter.Completed(Activity);
            }
        }

        /// <summary>
        /// Runs <see cref="SyncCommand"/> on the primary, then compares again until the secondary matches or
        /// <paramref name="timeout"/> (for the command and the wait together) has passed.
        /// </summary>
        public async Task<PfConfigSyncResult> SyncAsync(PfConfigSyncPlan plan, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            var watch = Stopwatch.StartNew();
            try
            {
                reporter.Progress(Activity, $"Running {SyncCommand} on {Primary.Name}", 0);
                await TriggerAsync(timeout, cancellationToken).ConfigureAwait(false);
                reporter.Verbose($"{SyncCommand} finished on {Primary.Name} after {Seconds(watch.Elapsed)}; comparing again.");

                // rc.filter_synchronize returns once the secondary answered restore_config_section; comparing again
                // proves it applied (the loop guard, for one, answers "true" and applies nothing).
                IReadOnlyList<ConfigDifference> remaining = await CompareAsync(plan.Status.Sections, cancellationToken).ConfigureAwait(false);
                while (remaining.Count > 0 && watch.Elapsed + PollInterval < timeout)
                {
                    reporter.Progress(Activity, $"Waiting for {Secondary.Name} to match: {Count(remaining.Count)} left",
                        (int)Math.Min(99, 100 * watch.Elapsed.TotalMilliseconds / timeout.TotalMilliseconds));
                    await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                    remaining = await CompareAsync(plan.Status.Sections, cancellationToken).ConfigureAwait(false);
                }

                var result = new PfConfigSyncResult(plan, triggered: true, watch.Elapsed, remaining);
                reporter.Verbose($"After {Seconds(result.Duration)}: {result.Resolved.Count} of {Count(result.DifferencesBefore)} resolved, {Count(result.DifferencesAfter)} left.");
                return result;
            }
            finally
            {
                reporter.Completed(Activity);
            }
        }

        private async Task TriggerAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var shell = new FirewallShell(session, timeout);
            SshCommandResult run = await shell.RunAsync(Primary, SyncCommand, cancellationToken).ConfigureAwait(false);
            if (run.ExitStatus != 0)
            {
                string said = (run.Output + "\n" + run.Error).Trim();
                throw new HaEdgeException("PfConfigSyncCommandFailed", FailureKind.InvalidOperation,
                    $"{Primary.Name}: '{SyncCommand}' failed (exit status {run.ExitStatus}){(said.Length > 0 ? ": " + said : "")}. See its system log for the reason.",
                    Primary.Name);
            }
        }

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
}
