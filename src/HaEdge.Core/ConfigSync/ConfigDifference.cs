namespace HaEdge.Core.ConfigSync;

/// <summary>
/// One place where the secondary's configuration differs from the primary's. A value is null where that side
/// has nothing at the path; a whole entry present on one side only is shown in a compact {key: value} form.
/// A difference that pfSense's own sync leaves there by design names the <see cref="Rule"/> that explains it and is
/// expected; every other difference is drift, which a sync removes or which someone made on the secondary.
/// </summary>
public sealed class ConfigDifference
{
    public ConfigDifference(string section, string path, string? primaryValue, string? secondaryValue)
        : this(section, path, primaryValue, secondaryValue, null, null, null)
    {
    }

    public ConfigDifference(string section, string path, string? primaryValue, string? secondaryValue, string? rule, string? reason, string? syncedValue)
    {
        Section = section;
        Path = path;
        PrimaryValue = primaryValue;
        SecondaryValue = secondaryValue;
        Rule = rule;
        Reason = reason;
        SyncedValue = syncedValue;
    }

    /// <summary>The edge compared (its definition's name).</summary>
    public string Edge { get; init; } = "";

    /// <summary>The synced section, e.g. filter or system/user.</summary>
    public string Section { get; }

    /// <summary>Readable path from the section, list entries keyed by identity, e.g. filter/rule[tracker=1700000001]/descr.</summary>
    public string Path { get; }

    public string? PrimaryValue { get; }

    public string? SecondaryValue { get; }

    /// <summary>
    /// The pfSense sync rule that leaves this difference on a correctly synced pair (for example CarpAdvskew,
    /// UserKeptLocal, KeaHaSwap), or null for drift.
    /// </summary>
    public string? Rule { get; }

    /// <summary>What the rule does and where pfSense does it; null for drift.</summary>
    public string? Reason { get; }

    /// <summary>True when pfSense's sync leaves this difference by design (<see cref="Rule"/> says which).</summary>
    public bool Expected => Rule != null;

    /// <summary>
    /// For drift in a value pfSense rewrites on the way (a CARP advskew, a Kea HA field): what a sync leaves on the
    /// secondary, which differs from the primary's own value. Null otherwise.
    /// </summary>
    public string? SyncedValue { get; }

    /// <summary>This difference, stamped with the edge it was found in (itself when it already is).</summary>
    internal ConfigDifference In(string edge) => Edge == edge ? this :
        new ConfigDifference(Section, Path, PrimaryValue, SecondaryValue, Rule, Reason, SyncedValue) { Edge = edge };

    public override string ToString() =>
        $"{Path}: {PrimaryValue ?? "(absent)"} -> {SecondaryValue ?? "(absent)"}"
        + (Rule != null ? $" (expected: {Rule})" : SyncedValue != null ? $" (a sync makes it {SyncedValue})" : "");
}
