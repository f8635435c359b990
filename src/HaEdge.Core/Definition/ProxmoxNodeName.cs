using System.Text.RegularExpressions;

namespace HaEdge.Core.Definition;

/// <summary>
/// What Proxmox VE accepts as a node name (pve-common's pve-node format: a DNS label). The definition reader holds
/// node names to it, and so does every remote command a node name goes into.
/// </summary>
internal static class ProxmoxNodeName
{
    public const string Rule = "a DNS label: letters, digits and '-', not at either end, at most 63";

    private static readonly Regex Pattern = new Regex(@"\A[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant);

    public static bool IsValid(string name) => Pattern.IsMatch(name);
}
