using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace HaEdge.Commands;

/// <summary>
/// A name parameter that takes pipeline input by value takes names, or an HaEdge object's name property, never
/// another object's text: PowerShell's last resort binds a piped object by value through its ToString() (a piped
/// Proxmox node became the firewall "HaEdgeNode { Node = pve1, ... }"). Strings pass; an object gives its
/// <see cref="Property"/>; an object that binds another parameter by name gives nothing here; any other is refused.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class NamesAttribute : ArgumentTransformationAttribute
{
    /// <param name="property">The property of a piped object that holds the name (Firewall, Node, Segment).</param>
    /// <param name="boundElsewhere">Properties that bind other parameters of the cmdlet by name: an object with one of them is not for this parameter.</param>
    public NamesAttribute(string property, params string[] boundElsewhere)
    {
        Property = property;
        BoundElsewhere = boundElsewhere;
    }

    public string Property { get; }

    public string[] BoundElsewhere { get; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is string || value is null || value.GetType().IsPrimitive) return inputData;
        if (value is IEnumerable items)
        {
            object?[] names = items.Cast<object?>().Select(item => Transform(engineIntrinsics, item!)).Where(name => name != null).ToArray();
            return names.Length == 0 ? null : names;
        }

        // A PSCustomObject's properties live on its wrapper, not on the object inside it.
        PSObject piped = inputData as PSObject ?? PSObject.AsPSObject(value);
        if (piped.Properties[Property] is PSPropertyInfo name) return name.Value;
        if (BoundElsewhere.Any(other => piped.Properties[other] != null)) return null;
        throw new ArgumentTransformationMetadataException($"A {Property} name is expected here; a {value.GetType().Name} has no {Property} property.");
    }
}
