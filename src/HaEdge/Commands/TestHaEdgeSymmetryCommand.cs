using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Checks;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// Compares the two Proxmox nodes and the two firewall VMs segment by segment and returns one finding per
/// asymmetry or CARP-breaking L2 setting; a symmetric edge returns nothing.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HaEdgeSymmetry")]
[OutputType(typeof(Finding))]
public sealed class TestHaEdgeSymmetryCommand : HaEdgeSessionCmdlet
{
    private readonly List<string> segmentPatterns = new List<string>();

    /// <summary>Only these segments of the edge definition (names, wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SegmentNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Names("Segment")]
    public string[]? Segment { get; set; }

    /// <summary>Segments whose CARP VIPs include IPv6 (wildcards allowed): the edge definition does not say, and multicast snooping only hurts IPv6 CARP.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SegmentNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Ipv6CarpSegment { get; set; }

    /// <summary>With several sessions: how many edges are compared at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessRecord()
    {
        if (Segment != null)
        {
            segmentPatterns.AddRange(Segment);
        }
    }

    protected override void EndProcessing()
    {
        // Each edge's segments chosen first, on the pipeline thread: a plain name every edge must have.
        var chosen = new Dictionary<EdgeSession, (SegmentDefinition[] Segments, string[] Ipv6)>();
        foreach (EdgeSession session in CurrentSessions)
        {
            IReadOnlyList<SegmentDefinition> all = session.Definition.Segments;
            SegmentDefinition[] segments = segmentPatterns.Count == 0 ? all.ToArray() : Matching(session, segmentPatterns).ToArray();
            string[] ipv6 = Matching(session, Ipv6CarpSegment ?? Array.Empty<string>()).Select(segment => segment.Name).ToArray();
            if (segments.Length == 0)
            {
                WriteVerbose($"No segment of edge '{session.Name}' matches {string.Join(", ", segmentPatterns)}: nothing to compare.");
                continue;
            }

            chosen[session] = (segments, ipv6);
        }

        // Every session, so an edge's failure names it whenever several were asked for; one with no segment reads nothing.
        ForEachEdge(CurrentSessions, ThrottleLimit,
            async (session, _, token) => chosen.TryGetValue(session, out var read)
                ? await CheckReader.ReadSymmetryAsync(session.Proxmox, session.Definition, read.Segments, read.Ipv6, Array.Empty<HaEdgeVm>(), token).ConfigureAwait(false)
                : null,
            (session, facts) =>
            {
                if (facts != null) WriteObject(SymmetryCheck.Evaluate(facts).Select(finding => finding.In(session.Name)), enumerateCollection: true);
            });
    }

    /// <summary>The segments the patterns name, in definition order; a plain name that names none is a terminating error.</summary>
    private IEnumerable<SegmentDefinition> Matching(EdgeSession session, IEnumerable<string> patterns)
    {
        IReadOnlyList<SegmentDefinition> all = session.Definition.Segments;
        IReadOnlyList<SegmentDefinition> chosen = NameFilter.Select(all, segment => segment.Name, patterns, out IReadOnlyList<string> missing);
        foreach (string pattern in missing)
        {
            ThrowTerminatingError(Error("SegmentNotFound", ErrorCategory.ObjectNotFound,
                $"The edge definition{(CurrentSessions.Count > 1 ? $" of '{session.Name}'" : "")} has no segment '{pattern}'; it has: {string.Join(", ", all.Select(segment => segment.Name))}.", pattern));
        }

        return chosen;
    }
}
