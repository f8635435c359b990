using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using HaEdge.Core.Gateways;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>
/// Completes a name parameter from the sessions the command line names with -Session (every one of them), else the
/// current one. Tab never goes to the network: the names come from the edge definitions (or, for gateways, what
/// each session last read).
/// </summary>
public abstract class EdgeNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        EdgeSession[] sessions = fakeBoundParameters != null && fakeBoundParameters.Contains("Session")
            ? EdgeSessionAttribute.FindAll(fakeBoundParameters["Session"])
            : SessionStore.Current is { IsOpen: true } current ? new[] { current } : Array.Empty<EdgeSession>();

        string typed = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
        // Each name once, with the tooltip of the first edge that has it.
        return sessions.SelectMany(session => Names(session).Select(name => (Session: session, Name: name)))
            .Where(entry => !string.IsNullOrEmpty(entry.Name) && pattern.IsMatch(entry.Name))
            .GroupBy(entry => entry.Name, StringComparer.OrdinalIgnoreCase)
            .Select(group => new CompletionResult(Quote(group.Key), group.Key, CompletionResultType.ParameterValue, Tooltip(group.First().Session, group.Key)));
    }

    /// <summary>The names this parameter takes, in the definition's order.</summary>
    protected abstract IEnumerable<string> Names(EdgeSession session);

    protected virtual string Tooltip(EdgeSession session, string name) => name;

    internal static string Quote(string name) =>
        name.Any(c => char.IsWhiteSpace(c) || "'\"$`;,(){}@#|&<>".IndexOf(c) >= 0) ? "'" + name.Replace("'", "''") + "'" : name;
}

/// <summary>Completes firewall names from the edge definition.</summary>
public sealed class FirewallNameCompleter : EdgeNameCompleter
{
    protected override IEnumerable<string> Names(EdgeSession session) => session.Definition.Firewalls.Select(f => f.Name);

    protected override string Tooltip(EdgeSession session, string name)
    {
        var firewall = session.Definition.Firewalls.First(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        return $"{firewall.Name}: {firewall.Role}, VM {firewall.VmId} on {firewall.Node}";
    }
}

/// <summary>Completes Proxmox node names the definition knows: the firewalls' nodes and the nodes of proxmox.ssh.</summary>
public sealed class NodeNameCompleter : EdgeNameCompleter
{
    protected override IEnumerable<string> Names(EdgeSession session) =>
        session.Definition.Firewalls.Select(f => f.Node)
            .Concat(session.Definition.Proxmox.Ssh?.Nodes.Keys ?? Enumerable.Empty<string>());
}

/// <summary>Completes segment names from the edge definition.</summary>
public sealed class SegmentNameCompleter : EdgeNameCompleter
{
    protected override IEnumerable<string> Names(EdgeSession session) => session.Definition.Segments.Select(s => s.Name);
}

/// <summary>
/// Completes gateway names. The edge definition has none, and Tab must not reach a firewall, so these are the
/// gateways the last Get-PfGateway of this session read; before that, nothing.
/// </summary>
public sealed class GatewayNameCompleter : EdgeNameCompleter
{
    private static readonly ConditionalWeakTable<EdgeSession, string[]> Seen = new ConditionalWeakTable<EdgeSession, string[]>();

    /// <summary>Keeps the gateway names a read of <paramref name="session"/> returned, for Tab.</summary>
    internal static void Remember(EdgeSession session, IEnumerable<string> names)
    {
        Seen.Remove(session);
        Seen.Add(session, names.ToArray());
    }

    protected override IEnumerable<string> Names(EdgeSession session) =>
        Seen.TryGetValue(session, out string[]? names) ? names : Enumerable.Empty<string>();
}

/// <summary>Completes -Session with the open sessions' edge names (the newest session of each edge).</summary>
public sealed class SessionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return SessionStore.All.Where(s => s.IsOpen).Reverse()
            .GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(same => same.First())
            .Where(s => pattern.IsMatch(s.Name))
            .Select(s => new CompletionResult(EdgeNameCompleter.Quote(s.Name), s.Name,
                CompletionResultType.ParameterValue, s.ToString()));
    }
}
