using System;
using System.Collections.Generic;
using System.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>One node's &lt;hasync&gt; block. The sync password is never kept, only whether one is set.</summary>
public sealed class HaSyncSettings
{
    public HaSyncSettings(bool pfsyncEnabled, string? pfsyncInterface, string? pfsyncPeerIp, string? pfHostId,
        string? synchronizeToIp, string? username, bool passwordSet, IReadOnlyList<string> tickedBoxes)
    {
        PfsyncEnabled = pfsyncEnabled;
        PfsyncInterface = pfsyncInterface;
        PfsyncPeerIp = pfsyncPeerIp;
        PfHostId = pfHostId;
        SynchronizeToIp = synchronizeToIp;
        Username = username;
        PasswordSet = passwordSet;
        TickedBoxes = tickedBoxes ?? throw new ArgumentNullException(nameof(tickedBoxes));
    }

    public bool PfsyncEnabled { get; }

    /// <summary>Interface key of the pfsync link, e.g. opt1.</summary>
    public string? PfsyncInterface { get; }

    /// <summary>Unicast pfsync peer; empty means multicast.</summary>
    public string? PfsyncPeerIp { get; }

    public string? PfHostId { get; }

    /// <summary>XML-RPC sync target. Only the primary may have one.</summary>
    public string? SynchronizeToIp { get; }

    public string? Username { get; }

    public bool PasswordSet { get; }

    /// <summary>Ticked checkboxes (synchronize* and adminsync), in <see cref="SyncSections.Checkboxes"/> order.</summary>
    public IReadOnlyList<string> TickedBoxes { get; }

    /// <summary>The config sections the ticked boxes send.</summary>
    public IReadOnlyList<string> Sections => SyncSections.ForTickedBoxes(TickedBoxes);

    /// <summary>
    /// From the hasync section as a neutral tree (config.xml or backup_config_section). A box counts as ticked
    /// when its value is non-empty, as in rc.filter_synchronize (<c>$hasync['synchronizerules'] != ""</c>).
    /// </summary>
    internal static HaSyncSettings FromTree(object? hasync)
    {
        string? Value(string key)
        {
            var text = ConfigTree.Text(hasync, key)?.Trim();
            return string.IsNullOrEmpty(text) ? null : text;
        }

        return new HaSyncSettings(
            pfsyncEnabled: Value("pfsyncenabled") != null,
            pfsyncInterface: Value("pfsyncinterface"),
            pfsyncPeerIp: Value("pfsyncpeerip"),
            pfHostId: Value("pfhostid"),
            synchronizeToIp: Value("synchronizetoip"),
            username: Value("username"),
            passwordSet: Value("password") != null,
            tickedBoxes: SyncSections.Checkboxes.Where(box => Value(box) != null).ToList());
    }

    public override string ToString() =>
        $"pfsync {(PfsyncEnabled ? "on" : "off")} {PfsyncInterface}->{PfsyncPeerIp}; sync to {SynchronizeToIp ?? "(none)"}: {string.Join(",", Sections)}";
}
