using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace HaEdge.Core;

/// <summary>
/// A read-only list of a result's values that prints as those values joined by ", ": Export-Csv and ToString()
/// write "10.0.10.1/24, 10.0.10.2/24", not the list's type name. It stays a list for the pipeline and for JSON.
/// </summary>
internal sealed class ValueList<T> : ReadOnlyCollection<T>
{
    public static readonly ValueList<T> Empty = new ValueList<T>(Array.Empty<T>());

    private ValueList(IList<T> items)
        : base(items)
    {
    }

    /// <summary>The items as a ValueList (the same instance when it already is one); null gives the empty list.</summary>
    public static ValueList<T> Of(IEnumerable<T>? items) =>
        items as ValueList<T> ?? (items == null ? Empty : new ValueList<T>(items.ToList()));

    public override string ToString() => string.Join(", ", this);
}
