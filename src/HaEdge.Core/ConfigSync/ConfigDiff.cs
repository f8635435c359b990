using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace HaEdge.Core.ConfigSync;

/// <summary>What <see cref="ConfigDiff"/> leaves out, and what it needs to know about the primary to apply pfSense's sync rules.</summary>
internal sealed class ConfigDiffOptions
{
    /// <summary>
    /// The primary's hasync/adminsync is 'on' ("Synchronize admin"): its users with uid &lt; 2000 then replace the
    /// secondary's (xmlrpc.php restore_config_section); otherwise the secondary keeps its own admin.
    /// </summary>
    public bool AdminSync { get; set; }

    /// <summary>
    /// The primary's system/hostname, which pfSense 2.8 sends as the Kea HA remote name when the primary has no
    /// local name; null when not known (any remote name is then expected).
    /// </summary>
    public string? PrimaryHostname { get; set; }

    /// <summary>Keys skipped at any depth: revision and the created/updated stamps pfSense writes into rules.</summary>
    public ISet<string> VolatileKeys { get; } = new HashSet<string>(StringComparer.Ordinal) { "revision", "created", "updated" };
}

/// <summary>
/// Compares one config section of the primary with the secondary's, both as neutral trees, and tells drift from
/// what pfSense's own sync leaves different by design: such a difference names its <see cref="SyncRules"/> rule.
/// </summary>
internal static class ConfigDiff
{
    // Entry fields that identify a list entry across both nodes, most specific first.
    private static readonly string[] IdentityKeys = { "tracker", "uniqid", "name", "descr" };

    private static readonly IReadOnlyDictionary<string, object?> NoMembers = new Dictionary<string, object?>();

    /// <summary>
    /// Differences between <paramref name="primary"/> and <paramref name="secondary"/> (the value of
    /// <paramref name="section"/> on each node, or null where the node lacks it), in a stable order: struct
    /// keys ordinally, list entries in the primary's order and then the secondary's extras. A difference pfSense's
    /// sync leaves by design carries its rule (<see cref="ConfigDifference.Expected"/>); the rest is drift.
    /// </summary>
    public static IReadOnlyList<ConfigDifference> Compare(string section, object? primary, object? secondary, ConfigDiffOptions? options = null)
    {
        if (string.IsNullOrEmpty(section)) throw new ArgumentException("A section name is required.", nameof(section));
        var walk = new Walker(section, options ?? new ConfigDiffOptions());
        walk.Node(section, section, primary, secondary);
        return walk.Differences;
    }

    private sealed class Walker
    {
        private readonly string section;
        private readonly ConfigDiffOptions options;

        // The rule under which the secondary keeps (or the primary does not send) the entry being walked: every
        // difference inside it is expected.
        private SyncRule? scope;

        public Walker(string section, ConfigDiffOptions options)
        {
            this.section = section;
            this.options = options;
        }

        public List<ConfigDifference> Differences { get; } = new List<ConfigDifference>();

        // path is what the user reads (with list keys); shape is the same path without keys, for the rules.
        public void Node(string path, string shape, object? primary, object? secondary)
        {
            if (primary == null && secondary == null) return;
            if (ConfigSecrets.IsSecret(LastKey(shape)) && (IsContainer(primary) || IsContainer(secondary)))
            {
                SecretSubtree(path, shape, primary, secondary);
                return;
            }
            if (SyncRules.IsKeaHa(shape) && secondary is IReadOnlyDictionary<string, object?> secondaryHa
                && (primary == null || primary is IReadOnlyDictionary<string, object?>))
            {
                KeaHa(path, shape, primary as IReadOnlyDictionary<string, object?> ?? NoMembers, secondaryHa);
                return;
            }
            if (primary == null || secondary == null)
            {
                var sentEmpty = primary == null && IsEmpty(secondary) ? SyncRules.SentEmpty(shape) : null;
                Add(path, Render(primary, shape), Render(secondary, shape), sentEmpty);
                return;
            }
            // "" from config.xml, an empty array or struct from XML-RPC: the same empty element.
            if (IsEmpty(primary) && IsEmpty(secondary)) return;

            if (primary is IReadOnlyDictionary<string, object?> p && secondary is IReadOnlyDictionary<string, object?> s)
            {
                foreach (var key in p.Keys.Union(s.Keys).Where(k => !options.VolatileKeys.Contains(k)).OrderBy(k => k, StringComparer.Ordinal))
                {
                    p.TryGetValue(key, out var pv);
                    s.TryGetValue(key, out var sv);
                    if ((pv is IReadOnlyList<object?> || sv is IReadOnlyList<object?>) && !ConfigSecrets.IsSecret(key))
                        List(path + "/" + key, shape + "/" + key, Entries(pv), Entries(sv));
                    else
                        Node(path + "/" + key, shape + "/" + key, pv, sv);
                }
                return;
            }

            if (primary is IReadOnlyList<object?> || secondary is IReadOnlyList<object?>)
            {
                List(path, shape, Entries(primary), Entries(secondary));
                return;
            }

            var pt = ConfigTree.Text(primary);
            var st = ConfigTree.Text(secondary);
            if (pt == null || st == null)
            {
                Add(path, Render(primary, shape), Render(secondary, shape));
                return;
            }
            if (SyncRules.TryRewrite(shape, pt, out var rewritten, out var rule))
                Leaf(path, shape, pt, st, rewritten, rewritten == null, rule);
            else
                Leaf(path, shape, pt, st, pt, false, null);
        }

        // One value against what the secondary holds after a sync: expected (or any value when any is set).
        private void Leaf(string path, string shape, string? primary, string? secondary, string? expected, bool any, SyncRule? rule)
        {
            var same = string.Equals(primary, secondary, StringComparison.Ordinal);
            if (any || string.Equals(expected, secondary, StringComparison.Ordinal))
            {
                if (!same) Add(path, Shown(shape, primary), Shown(shape, secondary), rule);
                return;
            }
            // Drift; where the sync rewrites the value on the way, say what it makes it.
            var synced = string.Equals(expected, primary, StringComparison.Ordinal) ? null : Shown(shape, expected) ?? "(absent)";
            Add(path, Shown(shape, primary), Shown(shape, secondary), synced: synced);
        }

        // pfSense 2.8 sends a Kea HA block rewritten from its own siblings (swapped, flipped, renamed, some kept back).
        private void KeaHa(string path, string shape, IReadOnlyDictionary<string, object?> primary, IReadOnlyDictionary<string, object?> secondary)
        {
            var expected = SyncRules.KeaHa(primary.Count == 0 ? null : primary, options.PrimaryHostname);
            foreach (var key in primary.Keys.Union(secondary.Keys).Union(expected.Keys).Where(k => !options.VolatileKeys.Contains(k)).OrderBy(k => k, StringComparer.Ordinal))
            {
                primary.TryGetValue(key, out var pv);
                secondary.TryGetValue(key, out var sv);
                var pt = ConfigTree.Text(pv);
                var st = ConfigTree.Text(sv);
                if (!expected.TryGetValue(key, out var expectation) || (pv != null && pt == null) || (sv != null && st == null))
                    Node(path + "/" + key, shape + "/" + key, pv, sv);
                else
                    Leaf(path + "/" + key, shape + "/" + key, pt, st, expectation.Value, expectation.Any, expectation.Rule);
            }
        }

        private void List(string path, string shape, List<object?> primary, List<object?> secondary)
        {
            if (primary.Count == 0 && secondary.Count == 0) return;

            if (primary.Concat(secondary).All(e => ConfigTree.Text(e) != null))
            {
                ScalarList(path, shape, primary, secondary);
                return;
            }

            // Identity is chosen among the entries that take part in the sync, as they always have one.
            var key = IdentityKey(primary.Where(e => SyncRules.NotSent(shape, e) == null).ToList(),
                secondary.Where(e => SyncRules.NotSent(shape, e) == null).ToList());
            if (key == null)
                ListByIndex(path, shape, primary, secondary);
            else
                ListByIdentity(path, shape, key, primary, secondary);
        }

        private void ListByIdentity(string path, string shape, string key, List<object?> primary, List<object?> secondary)
        {
            string Entry(object? entry, int index) =>
                ConfigTree.Text(entry, key) is string id && id.Length > 0 ? $"{path}[{key}={id}]" : $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";

            var secondaryById = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var j = 0; j < secondary.Count; j++)
            {
                var id = ConfigTree.Text(secondary[j], key);
                if (!string.IsNullOrEmpty(id) && !secondaryById.ContainsKey(id!)) secondaryById[id!] = j;
            }

            var matched = new HashSet<int>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // The entries both nodes sync, in each node's order: their order is meaningful (first match wins).
            var orderPrimary = new List<string>();
            var orderSecondary = new List<(int Index, string Id)>();
            for (var i = 0; i < primary.Count; i++)
            {
                var entry = primary[i];
                var id = ConfigTree.Text(entry, key);
                var notSent = SyncRules.NotSent(shape, entry);
                if (string.IsNullOrEmpty(id) || !seen.Add(id!) || !secondaryById.TryGetValue(id!, out var j))
                {
                    Within(notSent, () => Node(Entry(entry, i), shape, entry, null));
                    continue;
                }

                matched.Add(j);
                var other = secondary[j];
                var kept = SyncRules.KeptBySecondary(shape, entry, other, options.AdminSync);
                if (notSent != null && kept == null)
                {
                    // The primary keeps its entry back and the sync removes the secondary's copy.
                    Within(notSent, () => Node(Entry(entry, i), shape, entry, null));
                    Node(Entry(other, j), shape, null, other);
                    continue;
                }
                Within(kept, () => Node(Entry(entry, i), shape, entry, other));
                if (notSent == null && kept == null)
                {
                    orderPrimary.Add(id!);
                    orderSecondary.Add((j, id!));
                }
            }

            for (var j = 0; j < secondary.Count; j++)
            {
                if (matched.Contains(j)) continue;
                var entry = secondary[j];
                Within(SyncRules.KeptBySecondary(shape, null, entry, options.AdminSync), () => Node(Entry(entry, j), shape, null, entry));
            }

            var secondaryOrder = orderSecondary.OrderBy(e => e.Index).Select(e => e.Id).ToList();
            if (!orderPrimary.SequenceEqual(secondaryOrder, StringComparer.Ordinal))
                Add(path + "(order)", string.Join(", ", orderPrimary), string.Join(", ", secondaryOrder), SortedByName(shape, secondary));
        }

        // Without an identity, entries are paired by position once what the sync leaves alone is set aside.
        private void ListByIndex(string path, string shape, List<object?> primary, List<object?> secondary)
        {
            var sent = new List<object?>();
            for (var i = 0; i < primary.Count; i++)
            {
                var entry = primary[i];
                var notSent = SyncRules.NotSent(shape, entry);
                if (notSent == null) sent.Add(entry);
                else Within(notSent, () => Node($"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", shape, entry, null));
            }

            var replaced = new List<object?>();
            for (var j = 0; j < secondary.Count; j++)
            {
                var entry = secondary[j];
                var kept = shape == "virtualip/vip" ? SyncRules.KeptBySecondary(shape, null, entry, options.AdminSync) : null;
                if (kept == null) replaced.Add(entry);
                else Within(kept, () => Node($"{path}[{j.ToString(CultureInfo.InvariantCulture)}]", shape, null, entry));
            }

            for (var i = 0; i < Math.Max(sent.Count, replaced.Count); i++)
                Node($"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", shape,
                    i < sent.Count ? sent[i] : null, i < replaced.Count ? replaced[i] : null);
        }

        // Lists of plain values (gateway group items, privileges, members) are compared as sets.
        private void ScalarList(string path, string shape, List<object?> primary, List<object?> secondary)
        {
            var p = primary.Select(e => ConfigTree.Text(e)!).ToList();
            var s = secondary.Select(e => ConfigTree.Text(e)!).ToList();
            foreach (var only in p.Except(s, StringComparer.Ordinal)) Add(path, Shown(shape, only), null);
            foreach (var only in s.Except(p, StringComparer.Ordinal)) Add(path, null, Shown(shape, only));
        }

        private void Within(SyncRule? rule, Action walk)
        {
            var outer = scope;
            scope = outer ?? rule;
            try
            {
                walk();
            }
            finally
            {
                scope = outer;
            }
        }

        // local_sync_accounts() sorts the secondary's users and groups by name (strcmp) whenever it changes them.
        private static SyncRule? SortedByName(string shape, List<object?> secondary)
        {
            if (shape != "system/user" && shape != "system/group") return null;
            var names = secondary.Select(e => ConfigTree.Text(e, "name") ?? "").ToList();
            return names.SequenceEqual(names.OrderBy(n => n, StringComparer.Ordinal), StringComparer.Ordinal) ? SyncRules.AccountsSortedByName : null;
        }

        // A secret container (a list of mobile keys, say) is compared whole and shown as one tag a side.
        private void SecretSubtree(string path, string shape, object? primary, object? secondary)
        {
            if (IsEmpty(primary ?? "") && IsEmpty(secondary ?? "")) return;
            var p = Render(primary, shape);
            var s = Render(secondary, shape);
            if (!string.Equals(p, s, StringComparison.Ordinal)) Add(path, p, s);
        }

        // A secret's value is never shown, only its tag; an empty one reads empty (not set).
        private static string? Shown(string shape, string? text) =>
            !string.IsNullOrEmpty(text) && ConfigSecrets.IsSecret(LastKey(shape)) ? ConfigSecrets.Mask(text!) : text;

        // A compact, ordered one-line form of a subtree, for entries present on one side only.
        private string? Render(object? value, string shape)
        {
            if (value == null) return null;
            var text = ConfigTree.Text(value);
            if (text != null) return Shown(shape, text);
            var builder = new StringBuilder();
            Append(builder, value);
            return Shown(shape, builder.ToString());
        }

        private void Append(StringBuilder builder, object? value)
        {
            switch (value)
            {
                case IReadOnlyDictionary<string, object?> members:
                    builder.Append('{');
                    var first = true;
                    foreach (var member in members.Where(m => !options.VolatileKeys.Contains(m.Key)).OrderBy(m => m.Key, StringComparer.Ordinal))
                    {
                        if (!first) builder.Append(", ");
                        first = false;
                        builder.Append(member.Key).Append(": ");
                        if (ConfigSecrets.IsSecret(member.Key)) builder.Append(Render(member.Value, member.Key));
                        else Append(builder, member.Value);
                    }
                    builder.Append('}');
                    break;
                case IReadOnlyList<object?> items:
                    builder.Append('[');
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (i > 0) builder.Append(", ");
                        Append(builder, items[i]);
                    }
                    builder.Append(']');
                    break;
                default:
                    builder.Append(ConfigTree.Text(value) ?? "");
                    break;
            }
        }

        // Inside an entry the sync leaves alone, its rule explains every difference.
        private void Add(string path, string? primary, string? secondary, SyncRule? rule = null, string? synced = null)
        {
            var why = scope ?? rule;
            Differences.Add(new ConfigDifference(section, path, primary, secondary, why?.Name, why?.Reason, why == null ? synced : null));
        }
    }

    private static string? IdentityKey(List<object?> primary, List<object?> secondary)
    {
        foreach (var key in IdentityKeys)
        {
            var pIds = primary.Select(e => ConfigTree.Text(e, key)).ToList();
            var sIds = secondary.Select(e => ConfigTree.Text(e, key)).ToList();
            if (Usable(pIds) && Usable(sIds)) return key;
        }
        return null;

        static bool Usable(List<string?> ids) =>
            ids.All(id => !string.IsNullOrEmpty(id)) && ids.Distinct(StringComparer.Ordinal).Count() == ids.Count;
    }

    private static List<object?> Entries(object? value) => value switch
    {
        null => new List<object?>(),
        string s when s.Length == 0 => new List<object?>(),
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> => ConfigTree.Items(value).ToList(),
        _ => new List<object?> { value },
    };

    private static bool IsContainer(object? value) => value is IReadOnlyDictionary<string, object?> || value is IReadOnlyList<object?>;

    private static bool IsEmpty(object? value) => value switch
    {
        string s => s.Length == 0,
        IReadOnlyList<object?> list => list.Count == 0,
        IReadOnlyDictionary<string, object?> members => members.Count == 0,
        _ => false,
    };

    private static string LastKey(string shape) => shape.Substring(shape.LastIndexOf('/') + 1);
}
