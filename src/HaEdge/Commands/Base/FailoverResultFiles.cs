using System.Collections.Generic;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Failover;

namespace HaEdge.Commands;

/// <summary>Test-HaFailover results from files: HaEdge reports (their embedded results) or JSON.</summary>
internal static class FailoverResultFiles
{
    /// <summary>The results in every file <paramref name="patterns"/> name (wildcards allowed), in order.</summary>
    public static List<FailoverResult> Read(SessionState state, IEnumerable<string> patterns)
    {
        var results = new List<FailoverResult>();
        foreach (string pattern in patterns)
        {
            IEnumerable<string> files;
            try
            {
                files = state.Path.GetResolvedProviderPathFromPSPath(pattern, out _);
            }
            catch (ItemNotFoundException)
            {
                throw new HaEdgeException("FailoverResultsFileNotFound", FailureKind.ObjectNotFound, $"'{pattern}' does not exist.", pattern);
            }

            foreach (string file in files)
            {
                results.AddRange(FailoverResultsJson.ReadFile(file));
            }
        }

        return results;
    }
}
