using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Checks;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// Get-PfHaSync: the primary's HA sync settings (System &gt; High Avail. Sync), what both nodes run, and the
/// findings about the pair. The secondary's part is null when it could not be read.
/// </summary>
public sealed class PfHaSyncStatus
{
    /// <summary>The secondary could not be read over XML-RPC, so nothing can be synchronised to it.</summary>
    public const string SecondaryUnreachable = nameof(SecondaryUnreachable);

    // What stops pfSense's config sync from working; the pfsync findings concern state sync only.
    private static readonly HashSet<string> ConfigSyncBlockers = new HashSet<string>(StringComparer.Ordinal)
    {
        SecondaryUnreachable, HaSyncCheck.SecondaryHasSyncTarget, HaSyncCheck.ConfigVersionMismatch,
        HaSyncCheck.PrimaryHasNoSyncTarget, HaSyncCheck.SyncTargetNotPeer, HaSyncCheck.NoSectionsTicked,
    };

    public PfHaSyncStatus(string primary, string secondary, HaSyncSettings settings, PfFirmwareInfo firmware,
        HaSyncSettings? secondarySettings, PfFirmwareInfo? secondaryFirmware, IReadOnlyList<Finding> findings)
    {
        Primary = primary;
        Secondary = secondary;
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Firmware = firmware ?? throw new ArgumentNullException(nameof(firmware));
        SecondarySettings = secondarySettings;
        SecondaryFirmware = secondaryFirmware;
        Findings = findings ?? throw new ArgumentNullException(nameof(findings));
    }

    /// <summary>The edge read (its definition's name).</summary>
    public string Edge { get; init; } = "";

    /// <summary>The primary's name in the edge definition.</summary>
    public string Primary { get; }

    public string Secondary { get; }

    public bool PfsyncEnabled => Settings.PfsyncEnabled;

    public string? PfsyncInterface => Settings.PfsyncInterface;

    public string? PfsyncPeerIp => Settings.PfsyncPeerIp;

    /// <summary>Where the primary sends its configuration (Synchronize Config to IP).</summary>
    public string? SynchronizeToIp => Settings.SynchronizeToIp;

    /// <summary>The remote system user name the primary logs in with.</summary>
    public string? Username => Settings.Username;

    public IReadOnlyList<string> TickedBoxes => Settings.TickedBoxes;

    /// <summary>The config sections the ticked boxes send, what Compare-PfConfig compares by default.</summary>
    public IReadOnlyList<string> Sections => Settings.Sections;

    public string? ConfigVersion => Firmware.ConfigVersion;

    public string? SecondaryConfigVersion => SecondaryFirmware?.ConfigVersion;

    public HaSyncSettings Settings { get; }

    public PfFirmwareInfo Firmware { get; }

    public HaSyncSettings? SecondarySettings { get; }

    public PfFirmwareInfo? SecondaryFirmware { get; }

    /// <summary>Everything found about the pair's sync settings, errors first as <see cref="HaSyncCheck"/> orders them.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>The findings that make pfSense's config sync fail or do nothing; Sync-PfConfig refuses while any remain.</summary>
    public IReadOnlyList<Finding> SyncBlockers => Findings.Where(f => ConfigSyncBlockers.Contains(f.Code)).ToList();

    public bool ReadyToSync => SyncBlockers.Count == 0;

    /// <summary>Why the secondary could not be read, for the kind of a refusal; null when it was read.</summary>
    internal HaEdgeException? SecondaryFailure { get; init; }

    public override string ToString() => $"{Primary} -> {SynchronizeToIp ?? "(none)"}: {string.Join(",", Sections)} ({Findings.Count} findings)";
}
