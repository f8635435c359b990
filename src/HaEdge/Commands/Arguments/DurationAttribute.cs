using System;
using System.Globalization;
using System.Management.Automation;
using HaEdge.Core;

namespace HaEdge.Commands;

/// <summary>
/// Binds a duration parameter the way people type durations: a TimeSpan, a number of seconds (5 is five seconds,
/// never five ticks, which is what PowerShell's own conversion of an integer to a TimeSpan gives), or text such as
/// 200ms, 5s, 2m, 1.5s, 00:00:05 or PT5S. Values below the parameter's floor (or above its ceiling) are refused with
/// the limit in the message.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DurationAttribute : ArgumentTransformationAttribute
{
    /// <param name="minimumSeconds">The floor, in seconds (0.02 for 20 ms).</param>
    public DurationAttribute(double minimumSeconds)
    {
        Minimum = TimeSpan.FromTicks((long)Math.Round(minimumSeconds * TimeSpan.TicksPerSecond));
    }

    public TimeSpan Minimum { get; }

    /// <summary>The ceiling in seconds; 0 (the default) for none.</summary>
    public double MaximumSeconds { get; set; }

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        TimeSpan duration = value switch
        {
            TimeSpan span => span,
            string text => DurationText.TryParse(text, out TimeSpan parsed) ? parsed : throw Refused($"'{text}' is not a duration"),
            byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal =>
                DurationText.TryFromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture), out TimeSpan seconds)
                    ? seconds
                    : throw Refused($"{Convert.ToString(value, CultureInfo.InvariantCulture)} is not a number of seconds"),
            _ => throw Refused($"a {value?.GetType().Name ?? "null"} is not a duration"),
        };

        if (duration < Minimum)
        {
            throw Refused($"{DurationText.Format(duration)} is below the minimum of {DurationText.Format(Minimum)}");
        }

        if (MaximumSeconds > 0 && duration > TimeSpan.FromSeconds(MaximumSeconds))
        {
            throw Refused($"{DurationText.Format(duration)} is above the maximum of {DurationText.Format(TimeSpan.FromSeconds(MaximumSeconds))}");
        }

        return duration;
    }

    private static ArgumentTransformationMetadataException Refused(string why) =>
        new ArgumentTransformationMetadataException($"{why}; give {DurationText.Forms}.");
}
