using System;
using System.Collections.Generic;
using System.Linq;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;

namespace HaEdge.Commands;

/// <summary>
/// The firewalls a read cmdlet's -Firewall named over the whole pipeline ('fw1','fw2' | Get-CarpStatus, or the rows
/// of Get-HaEdgeVm), so the pair is read once at the end instead of once per piped object.
/// </summary>
internal sealed class FirewallSelection
{
    private readonly List<string> names = new List<string>();
    private bool all;

    /// <summary>Null when every firewall is wanted (-Firewall never given), else the chosen names in the order first named.</summary>
    public string[]? Names => all ? null : names.ToArray();

    /// <summary>Adds one record's firewalls; null (the parameter not given) selects all of them.</summary>
    public void Add(IEnumerable<FirewallDefinition>? firewalls)
    {
        if (firewalls == null)
        {
            all = true;
            return;
        }

        names.AddRange(firewalls.Select(f => f.Name).Where(name => !names.Contains(name, StringComparer.OrdinalIgnoreCase)));
    }

    public bool Includes(string? firewall) => all || names.Contains(firewall ?? "", StringComparer.OrdinalIgnoreCase);
}
