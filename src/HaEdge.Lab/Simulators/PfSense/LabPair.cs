using System;
using System.Linq;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>The two lab firewalls of <see cref="LabLayout"/>, each the other's peer.</summary>
internal static class LabPair
{
    public static LabFirewall Firewall(string name) =>
        LabLayout.Firewalls.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"unknown firewall '{name}' (lab firewalls: {string.Join(", ", LabLayout.Firewalls.Select(f => f.Name))})");

    public static LabFirewall Peer(LabFirewall firewall) => LabLayout.Firewalls.Single(f => f.Name != firewall.Name);
}
