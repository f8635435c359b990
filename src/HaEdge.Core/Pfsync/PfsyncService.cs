using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Pfsync;

/// <summary>
/// One firewall's pfsync reading, or why it could not be read. Each part (pfsync, the state table, the creator
/// ids) is read on its own: one that failed is null (or empty) and its failure is in <see cref="Unread"/>.
/// </summary>
internal sealed class PfsyncNodeReading
{
    public PfsyncNodeReading(FirewallDefinition firewall, Reading<PfsyncStatus> pfsync, Reading<PfctlInfo> info, Reading<IReadOnlyList<string>> creators)
    {
        Firewall = firewall;
        Pfsync = pfsync.Value;
        Info = info.Value;
        Creators = creators.Value ?? Array.Empty<string>();
        CreatorsKnown = creators.Succeeded;
        Unread = new[] { ("pfsync settings are", pfsync.Failure), ("state table is", info.Failure), ("state creator ids are", creators.Failure) }
            .Where(p => p.Failure != null).Select(p => (p.Item1, p.Failure!)).ToList();
    }

    public PfsyncNodeReading(FirewallDefinition firewall, HaEdgeException failure)
    {
        Firewall = firewall;
        Failure = failure;
    }

    public FirewallDefinition Firewall { get; }

    public PfsyncStatus? Pfsync { get; }

    public PfctlInfo? Info { get; }

    public IReadOnlyList<string> Creators { get; } = Array.Empty<string>();

    public bool CreatorsKnown { get; }

    /// <summary>The parts that could not be read ("state table is"), each with why.</summary>
    public IReadOnlyList<(string Part, HaEdgeException Failure)> Unread { get; } = Array.Empty<(string, HaEdgeException)>();

    /// <summary>Set when nothing of the firewall could be read.</summary>
    public HaEdgeException? Failure { get; }
}

/// <summary>
/// Get-PfsyncStatus: <c>ifconfig pfsync0</c>, <c>pfctl -si</c> and the creator ids in one exec per firewall. The
/// creator-id command follows the firewall's release (read once per connection): <c>pfctl -sc</c> from CE 2.7.1,
/// CE 2.7.0's <c>pfctl -vvss</c> walk before that and wherever the release is unknown. A command that fails costs
/// only its own part, and the reason is among the pair's reasons.
/// </summary>
internal sealed class PfsyncService
{
    private readonly FirewallShell shell;
    private readonly IOperationReporter reporter;

    /// <param name="reporter">Told about each output line skipped (a warning naming the firewall and the line).</param>
    public PfsyncService(FirewallShell shell, IOperationReporter? reporter = null)
    {
        this.shell = shell;
        this.reporter = reporter ?? SilentReporter.Instance;
    }

    /// <summary>Both firewalls' rows (an unreadable one with Reachable false), and why any could not be read.</summary>
    public async Task<(IReadOnlyList<PfsyncNodeStatus> Nodes, IReadOnlyList<HaEdgeException> Failures)> ReadAsync(CancellationToken cancellationToken)
    {
        var answers = await shell.RunOnBothAsync(ReadNodeAsync, cancellationToken).ConfigureAwait(false);
        var nodes = Evaluate(answers.Select(a => a.Succeeded ? a.Value! : new PfsyncNodeReading(a.Firewall, a.Failure!)).ToList());
        return (nodes, answers.Where(a => !a.Succeeded).Select(a => a.Failure!).ToList());
    }

    private async Task<PfsyncNodeReading> ReadNodeAsync(FirewallDefinition firewall, CancellationToken cancellationToken)
    {
        var release = await shell.ReleaseAsync(firewall, cancellationToken).ConfigureAwait(false);
        var creators = PfSenseCommands.CreatorIdsFor(release);
        reporter.Verbose($"{firewall.Name}: pfSense {release?.Text ?? "release unknown (/etc/version unreadable)"}; creator ids by '{creators}'.");
        var outputs = await shell.AskAsync(firewall, new[] { PfSenseCommands.Pfsync, PfSenseCommands.PfctlInfo, creators }, cancellationToken)
            .ConfigureAwait(false);
        // The pfctl -vvss walk prints nothing when there are no states (and its pipeline ends in sort's status).
        var noStates = creators == PfSenseCommands.PfctlCreatorsFromStates && outputs[2].Succeeded
            && outputs[2].Output.Trim().Length == 0 && outputs[2].Error.Trim().Length == 0;
        return new PfsyncNodeReading(firewall,
            outputs[0].TryParse(PfsyncParser.Read, reporter),
            outputs[1].TryParse(PfctlInfoParser.Read, reporter),
            noStates ? Reading<IReadOnlyList<string>>.Of(Array.Empty<string>()) : outputs[2].TryParse(PfctlCreatorParser.Read, reporter));
    }

    /// <summary>The pair verdict (pure). Each reason names the firewall it is about.</summary>
    public static IReadOnlyList<PfsyncNodeStatus> Evaluate(IReadOnlyList<PfsyncNodeReading> nodes)
    {
        var reasons = new List<string>();
        foreach (var node in nodes)
        {
            var name = node.Firewall.Name;
            if (node.Failure != null)
            {
                reasons.Add($"{name} could not be read: {node.Failure.Message}");
                continue;
            }

            foreach (var (part, failure) in node.Unread)
            {
                // The failure names the firewall first ("fw1: 'pfctl -sc' exited ..."): say what it cost instead.
                var why = failure.Message.StartsWith(name + ": ", StringComparison.Ordinal) ? failure.Message.Substring(name.Length + 2) : failure.Message;
                reasons.Add($"{name}'s {part} unknown: {why.TrimEnd('.')}.");
            }

            var peer = nodes.First(n => n != node).Firewall;
            if (node.Info != null && !node.Info.Enabled) reasons.Add($"{name}: pf is disabled.");
            if (node.Pfsync == null) continue;
            if (!node.Pfsync.Configured) reasons.Add($"{name}: pfsync has no sync interface (syncdev).");
            else if (node.Pfsync.SyncOk == false) reasons.Add($"{name}: the pfsync bulk update has not completed (syncok: 0).");
            if (node.Pfsync.SyncPeer != null && !IsMulticastDefault(node.Pfsync.SyncPeer) && peer.SyncAddress != null
                && node.Pfsync.SyncPeer != peer.SyncAddress)
                reasons.Add($"{name} sends pfsync to {node.Pfsync.SyncPeer}, but {peer.Name}'s sync address is {peer.SyncAddress}.");
        }

        var read = nodes.Where(n => n.Failure == null && n.CreatorsKnown).ToList();
        if (read.Count == 2)
        {
            // Synced states keep their creator's host id, so both nodes hold states of the same creators.
            for (var i = 0; i < 2; i++)
            {
                var lacking = read[1 - i].Creators.Except(read[i].Creators).ToList();
                if (lacking.Count > 0)
                    reasons.Add($"{read[i].Firewall.Name} holds no states created by {string.Join(", ", lacking)}, which {read[1 - i].Firewall.Name} has.");
            }
        }

        var verdict = reasons.Count == 0 ? PfsyncVerdict.InSync : PfsyncVerdict.NotInSync;
        return nodes.Select(n => new PfsyncNodeStatus
        {
            Firewall = n.Firewall.Name,
            Role = n.Firewall.Role,
            Reachable = n.Failure == null,
            SyncDev = n.Pfsync?.SyncDev,
            SyncPeer = n.Pfsync?.SyncPeer,
            SyncOk = n.Pfsync?.SyncOk,
            MaxUpdates = n.Pfsync?.MaxUpdates,
            Defer = n.Pfsync?.Defer,
            Version = n.Pfsync?.Version,
            PfEnabled = n.Info?.Enabled ?? false,
            StateEntries = n.Info?.StateEntries ?? 0,
            CreatorIds = n.Creators,
            Verdict = verdict,
            Reasons = reasons,
        }).ToList();
    }

    /// <summary>224.0.0.240 is pfsync's multicast group; FreeBSD 12/13 print 0.0.0.0 for "unset" (multicast too).</summary>
    private static bool IsMulticastDefault(string peer) => peer == "224.0.0.240" || peer == "0.0.0.0";
}
