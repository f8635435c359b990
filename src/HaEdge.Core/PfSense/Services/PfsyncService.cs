using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Definition;
using HaEdge.Core.Model.Carp;
using HaEdge.Core.Model.PfSense;
using HaEdge.Core.PfSense.Parsing;

namespace HaEdge.Core.PfSense.Services
{
    /// <summary>One firewall's pfsync reading, or why it could not be read.</summary>
    public sealed class PfsyncNodeReading
    {
        public PfsyncNodeReading(FirewallDefinition firewall, PfsyncStatus pfsync, PfctlInfo info, IReadOnlyList<string> creators)
        {
            Firewall = firewall;
            Pfsync = pfsync;
            Info = info;
            Creators = creators;
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

        public HaEdgeException? Failure { get; }
    }

    /// <summary>Get-PfsyncStatus: <c>ifconfig pfsync0</c>, <c>pfctl -si</c> and <c>pfctl -sc</c> in one exec per firewall.</summary>
    public sealed class PfsyncService
    {
        private static readonly string[] Commands = { PfSenseCommands.Pfsync, PfSenseCommands.PfctlInfo, PfSenseCommands.PfctlCreators };

        private readonly FirewallShell shell;

        public PfsyncService(FirewallShell shell)
        {
            this.shell = shell;
        }

        /// <summary>Both firewalls' rows (an unreadable one with Reachable false), and why any could not be read.</summary>
        public async Task<(IReadOnlyList<PfsyncNodeStatus> Nodes, IReadOnlyList<HaEdgeException> Failures)> ReadAsync(CancellationToken cancellationToken)
        {
            var answers = await shell.RunOnBothAsync(Commands,
                s => (Pfsync: PfsyncParser.Parse(s[0]), Info: PfctlInfoParser.Parse(s[1]), Creators: PfctlCreatorParser.Parse(s[2])), cancellationToken)
                .ConfigureAwait(false);
            var nodes = Evaluate(answers.Select(a => a.Succeeded
                ? new PfsyncNodeReading(a.Firewall, a.Value.Pfsync, a.Value.Info, a.Value.Creators)
                : new PfsyncNodeReading(a.Firewall, a.Failure!)).ToList());
            return (nodes, answers.Where(a => !a.Succeeded).Select(a => a.Failure!).ToList());
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

                var peer = nodes.First(n => n != node).Firewall;
                if (!node.Info!.Enabled) reasons.Add($"{name}: pf is disabled.");
                if (!node.Pfsync!.Configured) reasons.Add($"{name}: pfsync has no sync interface (syncdev).");
                else if (node.Pfsync.SyncOk == false) reasons.Add($"{name}: the pfsync bulk update has not completed (syncok: 0).");
                if (node.Pfsync.SyncPeer != null && !IsMulticastDefault(node.Pfsync.SyncPeer) && peer.SyncAddress != null
                    && node.Pfsync.SyncPeer != peer.SyncAddress)
                    reasons.Add($"{name} sends pfsync to {node.Pfsync.SyncPeer}, but {peer.Name}'s sync address is {peer.SyncAddress}.");
            }

            var read = nodes.Where(n => n.Failure == null).ToList();
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
}
