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

/// <summary>
/// The plain names no edge had, over several edges' answers to <see cref="NameFilter.Select{T}"/>: sites name their
/// nodes as they like, so a name is not found only when every edge that answered lacked it; none when no edge
/// answered (those edges have errors of their own).
/// </summary>
internal sealed class MissingInEveryEdge
{
    private readonly List<string> missing;
    private bool answered;

    public MissingInEveryEdge(IEnumerable<string> names) => missing = names.ToList();

    /// <summary>One edge answered; <paramref name="missingThere"/> are the names it lacked.</summary>
    public void Answered(IReadOnlyList<string> missingThere)
    {
        missing.RemoveAll(name => !missingThere.Contains(name));
        answered = true;
    }

    public IEnumerable<string> Names => answered ? missing.Distinct(StringComparer.OrdinalIgnoreCase) : Enumerable.Empty<string>();
}
