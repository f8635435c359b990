using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace HaEdge.Commands;

/// <summary>
/// How every name parameter matches (firewalls, nodes, segments, sections): case-insensitive, wildcards allowed;
/// a wildcard that matches nothing selects nothing, a plain name that matches nothing is the caller's error.
/// </summary>
internal static class NameFilter
{
    /// <summary>The items any pattern names, in the items' own order, and the plain names that named none.</summary>
    public static IReadOnlyList<T> Select<T>(IEnumerable<T> items, Func<T, string> nameOf, IEnumerable<string> patterns, out IReadOnlyList<string> missing)
    {
        T[] all = items.ToArray();
        var chosen = new HashSet<int>();
        var notFound = new List<string>();
        foreach (string pattern in patterns)
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            int[] matches = Enumerable.Range(0, all.Length).Where(i => wildcard.IsMatch(nameOf(all[i]))).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                notFound.Add(pattern);
            }

            chosen.UnionWith(matches);
        }

        missing = notFound;
        return Enumerable.Range(0, all.Length).Where(chosen.Contains).Select(i => all[i]).ToArray();
    }
}
