namespace HaEdge.Core.Model.Sync
{
    /// <summary>
    /// One place where the secondary's configuration differs from the primary's. A value is null where that side
    /// has nothing at the path; a whole entry present on one side only is shown in a compact {key: value} form.
    /// </summary>
    public sealed class ConfigDifference
    {
        public ConfigDifference(string section, string path, string? primaryValue, string? secondaryValue)
        {
            Section = section;
            Path = path;
            PrimaryValue = primaryValue;
            SecondaryValue = secondaryValue;
        }

        /// <summary>The synced section, e.g. filter or system/user.</summary>
        public string Section { get; }

        /// <summary>Readable path from the section, list entries keyed by identity, e.g. filter/rule[tracker=1700000001]/descr.</summary>
        public string Path { get; }

        public string? PrimaryValue { get; }

        public string? SecondaryValue { get; }

        public override string ToString() => $"{Path}: {PrimaryValue ?? "(absent)"} -> {SecondaryValue ?? "(absent)"}";
    }
}
