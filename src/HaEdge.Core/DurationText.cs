using System;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace HaEdge.Core;

/// <summary>
/// Durations as people type them: a number of seconds (5, 1.5), a number with a unit (200ms, 5s, 2m, 1h), a
/// TimeSpan (00:00:05) or ISO 8601 (PT5S, what ConvertTo-Json style exports write). Invariant culture throughout.
/// </summary>
internal static class DurationText
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "a TimeSpan, a number of seconds (5, 1.5), a number with a unit (200ms, 5s, 2m, 1h), hh:mm:ss (00:00:05) or ISO 8601 (PT5S)";

    private static readonly Regex WithUnit = new Regex(@"^(?<n>\d+(\.\d+)?|\.\d+)\s*(?<unit>ms|s|m|h)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>True when <paramref name="text"/> is a duration in one of the <see cref="Forms"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        string trimmed = (text ?? "").Trim();
        Match match = WithUnit.Match(trimmed);
        if (match.Success)
        {
            double number = double.Parse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            double seconds = match.Groups["unit"].Value.ToLowerInvariant() switch
            {
                "ms" => number / 1000,
                "m" => number * 60,
                "h" => number * 3600,
                _ => number,
            };
            return TryFromSeconds(seconds, out value);
        }

        if (trimmed.Contains(":") && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value))
        {
            return value >= TimeSpan.Zero;
        }

        if (trimmed.StartsWith("P", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(trimmed.ToUpperInvariant());
                return value >= TimeSpan.Zero;
            }
            catch (FormatException)
            {
            }
            catch (OverflowException)
            {
            }
        }

        return false;
    }

    /// <summary>A number of seconds as a TimeSpan; false when negative, not a number or too large.</summary>
    public static bool TryFromSeconds(double seconds, out TimeSpan value)
    {
        value = default;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>A duration as people read it: 200 ms, 5 s, 1.5 s, 2 min, 4 min 30 s.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1))
        {
            return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
        }

        if (value < TimeSpan.FromMinutes(1) || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        }

        long minutes = (long)value.TotalMinutes;
        int seconds = value.Seconds;
        return minutes.ToString(CultureInfo.InvariantCulture) + " min" + (seconds == 0 ? "" : " " + seconds.ToString(CultureInfo.InvariantCulture) + " s");
    }
}
