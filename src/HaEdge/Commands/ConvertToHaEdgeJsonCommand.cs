using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using HaEdge.Core;

namespace HaEdge.Commands;

/// <summary>
/// HaEdge's results as JSON with readable values (enums by name, durations as hh:mm:ss text, lists as arrays), for
/// files, logs and other tools. Takes the module's results, live or deserialized, and property bags made from them
/// (Select-Object); collects the input and writes one document at the end, as ConvertTo-Json does.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "HaEdgeJson")]
[OutputType(typeof(string))]
public sealed class ConvertToHaEdgeJsonCommand : HaEdgeCmdlet
{
    private readonly List<object?> values = new List<object?>();

    /// <summary>The results to write.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>Write an array even for one object.</summary>
    [Parameter]
    public SwitchParameter AsArray { get; set; }

    /// <summary>One line, no indentation.</summary>
    [Parameter]
    public SwitchParameter Compress { get; set; }

    protected override void ProcessRecord()
    {
        // An array given by name (-InputObject $rows) is written as its items, as the pipeline would give them.
        if (InputObject?.BaseObject is IEnumerable items && !(items is string) && !(items is IDictionary) && !PlainTree.IsPropertyBag(InputObject))
        {
            foreach (object? item in items)
            {
                Add(item == null ? null : PSObject.AsPSObject(item));
            }

            return;
        }

        Add(InputObject);
    }

    private void Add(PSObject? item)
    {
        if (item == null || IsResult(item))
        {
            values.Add(PlainTree.Of(item));
            return;
        }

        string type = item.BaseObject.GetType().FullName ?? "object";
        WriteError(Error("HaEdgeJsonInputNotSupported", ErrorCategory.InvalidType,
            $"ConvertTo-HaEdgeJson writes HaEdge's results and property bags made from them; a {type} is neither. Use ConvertTo-Json for it.", item));
    }

    protected override void EndProcessing()
    {
        if (values.Count == 0)
        {
            return;
        }

        try
        {
            WriteObject(ResultJson.Write(values, AsArray.IsPresent, Compress.IsPresent));
        }
        catch (NotSupportedException e)
        {
            WriteError(Error("HaEdgeJsonUnwritable", ErrorCategory.InvalidData, $"The input cannot be written as JSON: {e.Message}", null));
        }
    }

    /// <summary>
    /// A value of HaEdge's own (not a session: that is a live connection, not data), a property bag, or a plain
    /// value (a string or number inside a bag's lists is fine on its own too).
    /// </summary>
    private static bool IsResult(PSObject item)
    {
        object value = item.BaseObject;
        if (PlainTree.IsPropertyBag(item) || value is IDictionary || value is string || value.GetType().IsPrimitive)
        {
            return true;
        }

        return value.GetType().Assembly == typeof(ResultJson).Assembly && !(value is IDisposable);
    }
}
