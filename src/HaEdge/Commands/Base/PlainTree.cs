using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace HaEdge.Commands;

/// <summary>
/// PowerShell's property bags as names and values for Core: PSCustomObjects and deserialized objects (Import-Clixml)
/// become dictionaries, collections lists; an enum keeps its name and a DateTimeOffset (a property bag in CLIXML) its
/// instant. A live .NET object is passed through as it is.
/// </summary>
internal static class PlainTree
{
    public static object? Of(object? value)
    {
        if (value is PSObject ps)
        {
            if (ps.TypeNames.Any(t => t.EndsWith("System.Enum", StringComparison.Ordinal)))
            {
                return ps.ToString();
            }

            if (ps.TypeNames.Any(t => t.EndsWith("System.DateTimeOffset", StringComparison.Ordinal)) && ps.Properties["UtcDateTime"]?.Value is DateTime utc)
            {
                return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
            }

            if (IsPropertyBag(ps))
            {
                return ps.Properties.ToDictionary(p => p.Name, p => Of(p.Value));
            }

            value = ps.BaseObject;
        }

        return value switch
        {
            string or TimeSpan or DateTime or DateTimeOffset or Enum => value,
            IDictionary dictionary => dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => Of(dictionary[k])),
            IEnumerable items => items.Cast<object?>().Select(Of).ToList(),
            _ => value,
        };
    }

    /// <summary>A PSCustomObject (Select-Object's output, [pscustomobject]@{}) or an object PowerShell deserialized.</summary>
    public static bool IsPropertyBag(PSObject item) =>
        item.BaseObject is PSCustomObject || item.TypeNames.Any(t => t.StartsWith("Deserialized.", StringComparison.Ordinal)) && !(item.BaseObject is IEnumerable);
}
