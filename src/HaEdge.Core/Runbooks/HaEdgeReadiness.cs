using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Checks;

namespace HaEdge.Core.Runbooks;

/// <summary>One check's outcome in one word.</summary>
public enum ReadinessVerdict
{
    /// <summary>Nothing found.</summary>
    Passed,

    /// <summary>Only Warning or Information findings: worth a look, not a reason to stop.</summary>
    Warning,

    /// <summary>An Error finding, or the check could not run: stop here.</summary>
    Failed,

    /// <summary>The edge definition lacks what the check needs (e.g. no xmlrpc entries): skipped, not failed.</summary>
    NotConfigured,
}

/// <summary>One read-only check of Test-HaEdge, with the findings behind its verdict.</summary>
public sealed record HaEdgeCheckResult
{
    /// <summary>Quorum, VmPlacement, AntiAffinity, Symmetry, SyncPath, Carp, Standby, CarpVips, Pfsync, ConfigDrift or Gateways.</summary>
    public string Check { get; init; } = "";

    public ReadinessVerdict Verdict { get; init; }

    /// <summary>One line: what was checked and what it found.</summary>
    public string Summary { get; init; } = "";

    public IReadOnlyList<Finding> Findings { get; init; } = Array.Empty<Finding>();

    public TimeSpan Elapsed { get; init; }

    public override string ToString() => $"{Check}: {Verdict}";
}

/// <summary>Test-HaEdge: every read-only check of the edge and whether it is ready for maintenance.</summary>
public sealed record HaEdgeReadiness
{
    public string Edge { get; init; } = "";

    /// <summary>Green: no check Failed (Warning and NotConfigured do not stop a runbook).</summary>
    public bool Ready => Checks.All(c => c.Verdict != ReadinessVerdict.Failed);

    public IReadOnlyList<HaEdgeCheckResult> Checks { get; init; } = Array.Empty<HaEdgeCheckResult>();

    /// <summary>The names of the checks that failed, in check order.</summary>
    public IReadOnlyList<string> Failed => ValueList<string>.Of(Checks.Where(c => c.Verdict == ReadinessVerdict.Failed).Select(c => c.Check));

    /// <summary>The Error findings of every check: what keeps the edge from being green.</summary>
    public IReadOnlyList<Finding> Errors => Checks.SelectMany(c => c.Findings).Where(f => f.Severity == FindingSeverity.Error).ToList();

    /// <summary>
    /// Why a check failed or warns, errors first: each message once, after the checks that gave it (a bad
    /// Proxmox pin fails four checks with one message: "Quorum, VmPlacement, AntiAffinity, Symmetry: ...").
    /// A check that failed without a finding gives its summary.
    /// </summary>
    public IReadOnlyList<string> Reasons => ValueList<string>.Of(
        Checks.Where(c => c.Verdict == ReadinessVerdict.Failed || c.Verdict == ReadinessVerdict.Warning)
            .SelectMany(c => c.Findings.Where(f => f.Severity != FindingSeverity.Information)
                .Select(f => (Check: c.Check, Severity: f.Severity, Message: f.Message))
                .DefaultIfEmpty((Check: c.Check, Severity: c.Verdict == ReadinessVerdict.Failed ? FindingSeverity.Error : FindingSeverity.Warning, Message: c.Summary)))
            .GroupBy(reason => reason.Message, StringComparer.Ordinal)
            .OrderByDescending(same => same.Max(reason => reason.Severity))
            .Select(same => string.Join(", ", same.Select(reason => reason.Check).Distinct()) + ": " + same.Key));

    public DateTimeOffset CheckedAt { get; init; }

    /// <summary>Wall time of the whole run; the checks run in parallel, so it is about the slowest one's.</summary>
    public TimeSpan Elapsed { get; init; }
}
