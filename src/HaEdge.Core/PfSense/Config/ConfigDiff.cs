using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using HaEdge.Core.Model.Sync;

namespace HaEdge.Core.PfSense.Config
{
    /// <summary>What <see cref="ConfigDiff"/> leaves out.</summary>
    public sealed class ConfigDiffOptions
    {
        /// <summary>
        /// Leave out what pfSense's sync changes on the secondary by design (rc.filter_synchronize): CARP advskew
        /// +100 (cap 254) and advbase cap, dhcpd/*/failover_peerip, entries flagged nosync, and IP alias / proxy ARP
        /// VIPs that are not stacked on a CARP VIP (each node keeps its own). On by default.
        /// </summary>
        public bool IgnoreSyncRewrites { get; set; } = true;

        /// <summary>Keys skipped at any depth: revision and the created/updated stamps pfSense writes into rules.</summary>
        public ISet<string> VolatileKeys { get; } = new HashSet<string>(StringComparer.Ordinal) { "revision", "created", "updated" };

        /// <summary>
        /// Keys whose values are compared but never shown (passwords, hashes, private and pre-shared keys); a
        /// difference there reads "(secret)".
        /// </summary>
        public ISet<string> SecretKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
        {
            "password", "bcrypt-hash", "sha512-hash", "prv", "auth_pass", "encryption_password", "pre-shared-key",
            "shared_key", "tls", "ldap_bindpw", "radius_secret", "radius_secret2",
        };
    }

    /// <summary>Compares one config section of the primary with the secondary's, both as neutral trees.</summary>
    public static class ConfigDiff
    {
        // Entry fields that identify a list entry across both nodes, most specific first.
        private static readonly string[] IdentityKeys = { "tracker", "uniqid", "name", "descr" };

        // rc.filter_synchronize strips entries carrying <nosync> from exactly these lists before sending.
        private static readonly HashSet<string> NosyncLists = new HashSet<string>(StringComparer.Ordinal)
        {
            "nat/outbound/rule", "nat/rule", "filter/rule", "aliases/alias", "dnsmasq/hosts", "ipsec/tunnel",
        };

        private const int MaxAdvertisement = 254;

        private const string Secret = "(secret)";

        /// <summary>
        /// Differences between <paramref name="primary"/> and <paramref name="secondary"/> (the value of
        /// <paramref name="section"/> on each node, or null where the node lacks it), in a stable order: struct
        /// keys ordinally, list entries in the primary's order and then the secondary's extras.
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
            private readonly string _section;
            private readonly ConfigDiffOptions _options;

            public Walker(string section, ConfigDiffOptions options)
            {
                _section = section;
                _options = options;
            }

            public List<ConfigDifference> Differences { get; } = new List<ConfigDifference>();

            // path is what the user reads (with list keys); shape is the same path without keys, for the rules.
            public void Node(string path, string shape, object? primary, object? secondary)
            {
                if (primary == null && secondary == null) return;
                if (primary == null || secondary == null)
                {
                    Add(path, Render(primary, shape), Render(secondary, shape));
                    return;
                }
                // "" from config.xml, an empty array or struct from XML-RPC: the same empty element.
                if (IsEmpty(primary) && IsEmpty(secondary)) return;

                if (primary is IReadOnlyDictionary<string, object?> p && secondary is IReadOnlyDictionary<string, object?> s)
                {
                    foreach (var key in p.Keys.Union(s.Keys).Where(k => !_options.VolatileKeys.Contains(k)).OrderBy(k => k, StringComparer.Ordinal))
                    {
                        p.TryGetValue(key, out var pv);
                        s.TryGetValue(key, out var sv);
                        if (pv is IReadOnlyList<object?> || sv is IReadOnlyList<object?>)
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
                var expected = pt;
                if (_options.IgnoreSyncRewrites && TryRewrite(shape, pt, out var rewritten))
                {
                    if (rewritten == null) return; // any value is what sync leaves there
                    expected = rewritten;
                }
                if (!string.Equals(expected, st, StringComparison.Ordinal))
                    Add(path, Shown(shape, pt), Shown(shape, st));
            }

            private void List(string path, string shape, List<object?> primary, List<object?> secondary)
            {
                if (_options.IgnoreSyncRewrites)
                {
                    primary = primary.Where(e => !IsNotSynced(shape, e)).ToList();
                    secondary = secondary.Where(e => !IsNotSynced(shape, e)).ToList();
                }
                if (primary.Count == 0 && secondary.Count == 0) return;

                if (primary.Concat(secondary).All(e => ConfigTree.Text(e) != null))
                {
                    ScalarList(path, shape, primary, secondary);
                    return;
                }

                var key = IdentityKey(primary, secondary);
                if (key == null)
                {
                    for (var i = 0; i < Math.Max(primary.Count, secondary.Count); i++)
                        Node($"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", shape,
                            i < primary.Count ? primary[i] : null, i < secondary.Count ? secondary[i] : null);
                    return;
                }

                var byId = secondary.ToDictionary(e => ConfigTree.Text(e, key)!, StringComparer.Ordinal);
                var primaryIds = primary.Select(e => ConfigTree.Text(e, key)!).ToList();
                foreach (var entry in primary)
                {
                    var id = ConfigTree.Text(entry, key)!;
                    byId.TryGetValue(id, out var match);
                    Node($"{path}[{key}={id}]", shape, entry, match);
                }
                var primarySet = new HashSet<string>(primaryIds, StringComparer.Ordinal);
                foreach (var entry in secondary.Where(e => !primarySet.Contains(ConfigTree.Text(e, key)!)))
                    Node($"{path}[{key}={ConfigTree.Text(entry, key)}]", shape, null, entry);

                // Rule order is meaningful (first match wins), so report entries present on both sides but reordered.
                var secondaryIds = secondary.Select(e => ConfigTree.Text(e, key)!).ToList();
                var commonPrimary = primaryIds.Where(byId.ContainsKey).ToList();
                var commonSecondary = secondaryIds.Where(primarySet.Contains).ToList();
                if (!commonPrimary.SequenceEqual(commonSecondary, StringComparer.Ordinal))
                    Add(path + "(order)", string.Join(", ", commonPrimary), string.Join(", ", commonSecondary));
            }

            // Lists of plain values (gateway group items, privileges, members) are compared as sets.
            private void ScalarList(string path, string shape, List<object?> primary, List<object?> secondary)
            {
                var p = primary.Select(e => ConfigTree.Text(e)!).ToList();
                var s = secondary.Select(e => ConfigTree.Text(e)!).ToList();
                foreach (var only in p.Except(s, StringComparer.Ordinal)) Add(path, Shown(shape, only), null);
                foreach (var only in s.Except(p, StringComparer.Ordinal)) Add(path, null, Shown(shape, only));
            }

            private bool IsNotSynced(string shape, object? entry)
            {
                if (NosyncLists.Contains(shape) && entry is IReadOnlyDictionary<string, object?> flagged && flagged.ContainsKey("nosync"))
                    return true;
                if (shape != "virtualip/vip") return false;
                // backup_vip_config_section() skips IP alias / proxy ARP VIPs unless stacked on a CARP VIP or lo0.
                var mode = ConfigTree.Text(entry, "mode");
                var iface = ConfigTree.Text(entry, "interface") ?? "";
                return (mode == "ipalias" || mode == "proxyarp") && iface.IndexOf("_vip", StringComparison.Ordinal) < 0
                    && iface.IndexOf("lo0", StringComparison.Ordinal) < 0;
            }

            private string? Shown(string shape, string? text) =>
                !string.IsNullOrEmpty(text) && _options.SecretKeys.Contains(LastKey(shape)) ? Secret : text;

            // A compact, ordered one-line form of a subtree, for entries present on one side only.
            private string? Render(object? value, string shape)
            {
                if (value == null) return null;
                var text = ConfigTree.Text(value);
                if (text != null) return Shown(shape, text);
                var builder = new StringBuilder();
                Append(builder, value);
                return builder.ToString();
            }

            private void Append(StringBuilder builder, object? value)
            {
                switch (value)
                {
                    case IReadOnlyDictionary<string, object?> members:
                        builder.Append('{');
                        var first = true;
                        foreach (var member in members.Where(m => !_options.VolatileKeys.Contains(m.Key)).OrderBy(m => m.Key, StringComparer.Ordinal))
                        {
                            if (!first) builder.Append(", ");
                            first = false;
                            builder.Append(member.Key).Append(": ");
                            if (_options.SecretKeys.Contains(member.Key)) builder.Append(Secret);
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

            private void Add(string path, string? primary, string? secondary) =>
                Differences.Add(new ConfigDifference(_section, path, primary, secondary));
        }

        // What the secondary holds after a sync for a value pfSense rewrites on the way; null means any value.
        private static bool TryRewrite(string shape, string primary, out string? secondary)
        {
            secondary = null;
            if (shape == "virtualip/vip/advskew" && TryInt(primary, out var skew))
                secondary = Math.Min(skew + 100, MaxAdvertisement).ToString(CultureInfo.InvariantCulture);
            else if (shape == "virtualip/vip/advbase" && TryInt(primary, out var advbase))
                secondary = Math.Min(advbase, MaxAdvertisement).ToString(CultureInfo.InvariantCulture);
            else
            {
                // The primary sends its own address on that interface as the secondary's failover peer.
                var parts = shape.Split('/');
                return parts.Length == 3 && parts[0] == "dhcpd" && parts[2] == "failover_peerip";
            }
            return true;
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

        private static bool IsEmpty(object? value) => value switch
        {
            string s => s.Length == 0,
            IReadOnlyList<object?> list => list.Count == 0,
            IReadOnlyDictionary<string, object?> members => members.Count == 0,
            _ => false,
        };

        private static bool TryInt(string text, out int value) =>
            int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

        private static string LastKey(string shape) => shape.Substring(shape.LastIndexOf('/') + 1);
    }
}
