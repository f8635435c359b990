using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core.Session;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>
/// Lets -Session take what Tab completes: an open session's edge name (the newest session of that edge) or its
/// Id, as well as the EdgeSession object Connect-HaEdge and Get-HaEdgeSession return; several of them for an array.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class EdgeSessionAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        // An empty name is no session: a piped row that names no edge (Edge "") is read in the current one.
        if (value is string { Length: 0 })
        {
            return null;
        }

        if (value is EdgeSession || value == null)
        {
            return value;
        }

        // Several: each by itself (-Session site-a, site-b or -Session (Get-HaEdgeSession)).
        if (value is IEnumerable items && value is not string)
        {
            return items.Cast<object?>().Select(item => (EdgeSession)Transform(engineIntrinsics, item!)!).ToArray();
        }

        string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return Find(text) ?? throw new ArgumentTransformationMetadataException(
            $"No open HaEdge session '{text}'; open sessions: {(Open.Length == 0 ? "none (run Connect-HaEdge)" : string.Join(", ", Open.Select(s => s.ToString())))}.");
    }

    /// <summary>The session an argument names: the object itself, an open session's Id, or the newest open session of an edge name.</summary>
    internal static EdgeSession? Find(object? argument)
    {
        object? value = argument is PSObject wrapped ? wrapped.BaseObject : argument;
        if (value is EdgeSession session)
        {
            return session;
        }

        string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            ? Open.FirstOrDefault(s => s.Id == id)
            : Open.LastOrDefault(s => string.Equals(s.Name, text, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The open sessions an argument names: one as <see cref="Find"/> does, or each of an array.</summary>
    internal static EdgeSession[] FindAll(object? argument)
    {
        object? value = argument is PSObject wrapped ? wrapped.BaseObject : argument;
        var named = value is IEnumerable items && value is not string ? items.Cast<object?>().Select(Find) : new[] { Find(value) };
        return named.OfType<EdgeSession>().Where(s => s.IsOpen).Distinct().ToArray();
    }

    private static EdgeSession[] Open => SessionStore.All.Where(s => s.IsOpen).ToArray();
}
