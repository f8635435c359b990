using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using HaEdge.Core.ConfigSync;

namespace HaEdge.Commands;

/// <summary>Completes -Section with the config sections pfSense's HA sync boxes send.</summary>
public sealed class SyncSectionCompleter : IArgumentCompleter
{
    /// <summary>Every section a sync box sends, sorted: what -Section accepts (and paths below them).</summary>
    internal static readonly IReadOnlyList<string> Sections =
        SyncSections.Map.SelectMany(entry => entry.Value).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Sections.Where(s => s.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, s));
}
