using System;
using System.Collections.Generic;
using System.Net;
using HaEdge.Core.Checks;

namespace HaEdge.Core.ConfigSync;

/// <summary>The two firewalls' names and their addresses on the sync segment, from the edge definition.</summary>
internal sealed class HaSyncPeers
{
    public HaSyncPeers(string primaryName, string primarySyncAddress, string secondaryName, string secondarySyncAddress)
    {
        PrimaryName = primaryName;
        PrimarySyncAddress = primarySyncAddress;
        SecondaryName = secondaryName;
        SecondarySyncAddress = secondarySyncAddress;
    }

    public string PrimaryName { get; }

    public string PrimarySyncAddress { get; }

    public string SecondaryName { get; }

    public string SecondarySyncAddress { get; }
}

/// <summary>Checks an HA pair's sync settings against what pfSense's config sync and pfsync need to work.</summary>
internal static class HaSyncCheck
{
    public const string SecondaryHasSyncTarget = nameof(SecondaryHasSyncTarget);
    public const string PrimaryHasNoSyncTarget = nameof(PrimaryHasNoSyncTarget);
    public const string SyncTargetNotPeer = nameof(SyncTargetNotPeer);
    public const string ConfigVersionMismatch = nameof(ConfigVersionMismatch);
    public const string PfsyncDisabled = nameof(PfsyncDisabled);
    public const string PfsyncPeerMismatch = nameof(PfsyncPeerMismatch);
    public const string NoSectionsTicked = nameof(NoSectionsTicked);

    /// <summary>
    /// Findings for the pair, primary's first. Firmware info may be null when it could not be fetched; then the
    /// config_version check is skipped (the caller reports why it could not fetch).
    /// </summary>
    public static IReadOnlyList<Finding> Evaluate(HaSyncSettings primary, HaSyncSettings secondary,
        PfFirmwareInfo? primaryFirmware, PfFirmwareInfo? secondaryFirmware, HaSyncPeers peers)
    {
        if (primary == null) throw new ArgumentNullException(nameof(primary));
        if (secondary == null) throw new ArgumentNullException(nameof(secondary));
        if (peers == null) throw new ArgumentNullException(nameof(peers));

        var findings = new List<Finding>();
        var p = peers.PrimaryName;
        var s = peers.SecondaryName;

        if (primary.SynchronizeToIp == null)
        {
            findings.Add(new Finding(FindingSeverity.Error, PrimaryHasNoSyncTarget, p,
                $"{p} has no XML-RPC sync target, so no configuration is synchronised to {s}.",
                $"On {p}, set System > High Avail. Sync > Synchronize Config to IP to {peers.SecondarySyncAddress}."));
        }
        else if (!SameAddress(primary.SynchronizeToIp, peers.SecondarySyncAddress))
        {
            findings.Add(new Finding(FindingSeverity.Error, SyncTargetNotPeer, p,
                $"{p} synchronises its configuration to {primary.SynchronizeToIp}, not to {s}'s sync address {peers.SecondarySyncAddress}.",
                $"On {p}, set Synchronize Config to IP to {peers.SecondarySyncAddress}."));
        }

        if (primary.SynchronizeToIp != null && primary.Sections.Count == 0)
        {
            findings.Add(new Finding(FindingSeverity.Warning, NoSectionsTicked, p,
                $"{p} has a sync target but no section ticked; pfSense logs \"Nothing has been configured to be synched\" and sends nothing.",
                $"On {p}, tick the sections to synchronise (rules, NAT, aliases, virtual IPs, ...)."));
        }

        if (secondary.SynchronizeToIp != null)
        {
            var loop = SameAddress(secondary.SynchronizeToIp, peers.PrimarySyncAddress);
            findings.Add(new Finding(FindingSeverity.Error, SecondaryHasSyncTarget, s,
                loop
                    ? $"{s} synchronises back to {p} ({secondary.SynchronizeToIp}); pfSense's loop guard then silently refuses every sync from {p} (\"Disallowing CARP sync loop\")."
                    : $"{s} has a sync target of its own ({secondary.SynchronizeToIp}); a secondary must not push its configuration anywhere.",
                $"On {s}, clear Synchronize Config to IP (and the remote user and password)."));
        }

        if (primaryFirmware?.ConfigVersion != null && secondaryFirmware?.ConfigVersion != null
            && !string.Equals(primaryFirmware.ConfigVersion, secondaryFirmware.ConfigVersion, StringComparison.Ordinal))
        {
            findings.Add(new Finding(FindingSeverity.Error, ConfigVersionMismatch, s,
                $"config_version differs: {p} {primaryFirmware.ConfigVersion} ({primaryFirmware.FirmwareVersion}), {s} {secondaryFirmware.ConfigVersion} ({secondaryFirmware.FirmwareVersion}); pfSense aborts the sync.",
                "Upgrade both firewalls to the same pfSense version."));
        }

        CheckPfsync(findings, primary, p, s, peers.SecondarySyncAddress);
        CheckPfsync(findings, secondary, s, p, peers.PrimarySyncAddress);
        return findings;
    }

    private static void CheckPfsync(List<Finding> findings, HaSyncSettings node, string name, string peerName, string peerSyncAddress)
    {
        if (!node.PfsyncEnabled)
        {
            findings.Add(new Finding(FindingSeverity.Error, PfsyncDisabled, name,
                $"State synchronisation (pfsync) is off on {name}; connections break on failover.",
                $"On {name}, tick Synchronize states and choose the sync interface."));
            return;
        }

        if (node.PfsyncPeerIp == null)
        {
            findings.Add(new Finding(FindingSeverity.Warning, PfsyncPeerMismatch, name,
                $"{name} has no pfsync peer and sends state updates by multicast instead of to {peerName} ({peerSyncAddress}).",
                $"On {name}, set pfsync Synchronize Peer IP to {peerSyncAddress}."));
        }
        else if (!SameAddress(node.PfsyncPeerIp, peerSyncAddress))
        {
            findings.Add(new Finding(FindingSeverity.Error, PfsyncPeerMismatch, name,
                $"{name} sends pfsync state updates to {node.PfsyncPeerIp}, not to {peerName}'s sync address {peerSyncAddress}.",
                $"On {name}, set pfsync Synchronize Peer IP to {peerSyncAddress}."));
        }
    }

    // Compare as addresses so "2001:db8::1" and "2001:DB8:0::1" agree.
    private static bool SameAddress(string left, string right) =>
        IPAddress.TryParse(left.Trim(), out var a) && IPAddress.TryParse(right.Trim(), out var b)
            ? a.Equals(b)
            : string.Equals(left.Trim(), right.Trim(), StringComparison.OrdinalIgnoreCase);
}
