using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Compares the secondary's configuration with the primary's in the synced sections, one object per difference.
/// What pfSense's own sync leaves different by design is marked Expected with the rule that explains it; the rest
/// is drift. Secret values are masked. With several sessions it compares the edges in parallel, each difference
/// stamped with its edge.
/// </summary>
[Cmdlet(VerbsData.Compare, "PfConfig")]
[OutputType(typeof(ConfigDifference))]
public sealed class ComparePfConfigCommand : PfConfigSyncCmdlet
{
    /// <summary>
    /// The config sections to compare: the sections pfSense's HA sync sends (such as filter, nat, system/user) or
    /// paths below them, wildcards allowed; by default the ones the primary's ticked HA sync boxes send. A name that
    /// is none of them is an UnknownConfigSection error listing them. Binds the Sections property of Get-PfHaSync.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Sections")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SyncSectionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Section { get; set; }

    /// <summary>
    /// The session to use (a session object, or an open session's edge name or Id); by default the current one.
    /// Binds the Edge property of piped rows (as EdgeRowsCmdlet's does; this cmdlet needs PfConfigSyncCmdlet's base).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Edge")]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public override EdgeSession[]? Session { get => base.Session; set => base.Session = value; }

    /// <summary>With several sessions: how many edges are compared at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessRecord()
    {
        // Named sections are checked before anything is read: a typo is an error, never "no drift".
        IReadOnlyList<string>? named = Section == null ? null : Known(Section);
        if (named?.Count == 0)
        {
            WriteVerbose($"No synced section matches {string.Join(", ", Section!)}: nothing to compare.");
            return;
        }

        ForEachEdge(CurrentSessions, ThrottleLimit, (session, _, token) => CompareAsync(session, named, token), (session, compared) =>
        {
            if (compared.Sections.Count == 0)
            {
                WriteWarning($"{session.Name}: {session.Definition.Primary.Name} has no HA sync box ticked, so nothing is synchronised; name sections with -Section to compare them anyway.");
                return;
            }

            WriteVerbose($"{session.Name}: compared {string.Join(", ", compared.Sections)} of {session.Definition.Secondary.Name} with {session.Definition.Primary.Name}.");
            WriteObject(compared.Differences, enumerateCollection: true);
        });
    }

    /// <summary>The sections compared (the named ones, else those the primary's ticked boxes sync) and their differences.</summary>
    private async Task<(IReadOnlyList<string> Sections, IReadOnlyList<ConfigDifference> Differences)> CompareAsync(EdgeSession session,
        IReadOnlyList<string>? named, CancellationToken token)
    {
        using XmlRpcPair xmlRpc = OpenXmlRpcPair(session);
        var service = new ConfigSyncService(session, xmlRpc);
        IReadOnlyList<string> sections = named ?? await service.TickedSectionsAsync(token).ConfigureAwait(false);
        return sections.Count == 0
            ? (sections, Array.Empty<ConfigDifference>())
            : (sections, await service.CompareAsync(sections, token).ConfigureAwait(false));
    }

    /// <summary>
    /// The sections <paramref name="names"/> name: wildcards expand to the synced sections they match, a path below a
    /// synced section (filter/rule) is taken as it is, and any other name is a terminating UnknownConfigSection error.
    /// </summary>
    private IReadOnlyList<string> Known(IEnumerable<string> names)
    {
        IReadOnlyList<string> known = SyncSectionCompleter.Sections;
        bool Below(string path) => known.Any(section => path.StartsWith(section + "/", StringComparison.OrdinalIgnoreCase));
        string[] paths = names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && Below(n)).ToArray();
        IReadOnlyList<string> chosen = NameFilter.Select(known, s => s, names.Except(paths), out IReadOnlyList<string> missing);
        if (missing.Count > 0)
        {
            ThrowTerminatingError(Error("UnknownConfigSection", ErrorCategory.InvalidArgument,
                $"pfSense's HA sync has no config section {string.Join(", ", missing.Select(m => $"'{m}'"))}; the sections it syncs are: {string.Join(", ", known)} (or a path below one, such as filter/rule).",
                string.Join(",", missing)));
        }

        return chosen.Concat(paths).ToList();
    }
}
