using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.ConfigSync;

/// <summary>Reads HA sync settings and synced sections over XML-RPC (read-only) and diffs the two nodes.</summary>
internal static class PfConfigComparison
{
    /// <summary>A node's &lt;hasync&gt; block via backup_config_section, or null when it has none.</summary>
    public static async Task<HaSyncSettings?> ReadHaSyncAsync(IPfXmlRpcClient client, CancellationToken cancellationToken = default)
    {
        if (client == null) throw new ArgumentNullException(nameof(client));
        var sections = await client.BackupConfigSectionAsync(new[] { "hasync" }, cancellationToken).ConfigureAwait(false);
        return sections.TryGetValue("hasync", out var hasync) ? HaSyncSettings.FromTree(hasync) : null;
    }

    /// <summary>
    /// Fetches <paramref name="sections"/> (names or paths such as "system/user") from both nodes at once and
    /// returns their differences, section by section in the given order, each either drift or expected under one of
    /// pfSense's sync rules (<see cref="SyncRules"/>). The primary's hasync and system/hostname are read along, as
    /// the rules depend on them ("Synchronize admin", the Kea HA remote name) where those sections are compared.
    /// </summary>
    public static async Task<IReadOnlyList<ConfigDifference>> CompareAsync(IPfXmlRpcClient primary, IPfXmlRpcClient secondary,
        IReadOnlyList<string> sections, CancellationToken cancellationToken = default)
    {
        if (primary == null) throw new ArgumentNullException(nameof(primary));
        if (secondary == null) throw new ArgumentNullException(nameof(secondary));
        if (sections == null) throw new ArgumentNullException(nameof(sections));
        if (sections.Count == 0) return Array.Empty<ConfigDifference>();

        var keys = SyncSections.TopLevelKeys(sections);
        // What the rules need besides: adminsync for the users, the hostname for the Kea HA remote name.
        var ruleKeys = new List<string>();
        if (keys.Contains("system")) ruleKeys.Add("hasync");
        if (keys.Contains("kea") || keys.Contains("kea6")) ruleKeys.Add("system");
        var fromPrimary = primary.BackupConfigSectionAsync(keys.Union(ruleKeys, StringComparer.Ordinal).ToList(), cancellationToken);
        var fromSecondary = secondary.BackupConfigSectionAsync(keys, cancellationToken);
        await Task.WhenAll(fromPrimary, fromSecondary).ConfigureAwait(false);

        var primaryTree = await fromPrimary.ConfigureAwait(false);
        var secondaryTree = await fromSecondary.ConfigureAwait(false);
        var options = new ConfigDiffOptions
        {
            // xmlrpc.php compares the sent hasync/adminsync with 'on' exactly.
            AdminSync = ConfigTree.Text(ConfigTree.Select(primaryTree, "hasync"), "adminsync") == "on",
            PrimaryHostname = ConfigTree.Text(ConfigTree.Select(primaryTree, "system"), "hostname"),
        };
        return sections
            .SelectMany(section => ConfigDiff.Compare(section, ConfigTree.Select(primaryTree, section), ConfigTree.Select(secondaryTree, section), options))
            .ToList();
    }
}
