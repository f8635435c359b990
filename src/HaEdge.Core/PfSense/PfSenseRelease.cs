using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HaEdge.Core.PfSense;

/// <summary>
/// A pfSense release as its <c>/etc/version</c> names it (one line, src/etc/version of the release branch):
/// CE <c>2.7.0-RELEASE</c>, <c>2.7.2-RELEASE</c>, <c>2.8.0-RELEASE</c>, <c>2.9.0-DEVELOPMENT</c>; Plus numbers
/// its releases by year and month (<c>24.11-RELEASE</c>).
/// </summary>
internal sealed class PfSenseRelease
{
    private static readonly Regex Line = new Regex(@"^(?<major>[0-9]{1,4})\.(?<minor>[0-9]{1,4})(?:\.(?<patch>[0-9]{1,4}))?(?:-(?<stage>[A-Za-z0-9._-]+))?$",
        RegexOptions.CultureInvariant);

    private PfSenseRelease(string text, Version number, string? stage)
    {
        Text = text;
        Number = number;
        Stage = stage;
    }

    /// <summary>The line as the firewall has it.</summary>
    public string Text { get; }

    public Version Number { get; }

    /// <summary>RELEASE, DEVELOPMENT, RC ...; null when the line has none.</summary>
    public string? Stage { get; }

    /// <summary>Plus (year.month numbering, 21.02 on); CE is 2.x.</summary>
    public bool IsPlus => Number.Major >= 21;

    /// <summary>
    /// <c>pfctl -sc</c> (creatorids) exists: pfSense CE uses it from 2.7.1 on (status_carp.php, d00473a3fb, in
    /// RELENG_2_7_1 but not RELENG_2_7_0, whose pfctl refuses it with "Unknown show modifier"). Plus is closed
    /// source: which Plus release has it is not verified, so Plus is read the way that works everywhere.
    /// </summary>
    public bool HasPfctlCreatorIds => !IsPlus && Number >= new Version(2, 7, 1);

    /// <summary>The release of <c>cat /etc/version</c>'s output (its first line that names one); null when none does.</summary>
    public static PfSenseRelease? FromVersionFile(string text)
    {
        foreach (var raw in ParseText.Lines(text))
        {
            var line = raw.Trim();
            var match = Line.Match(line);
            if (!match.Success) continue;
            int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
            return new PfSenseRelease(line, new Version(Part("major"), Part("minor"), Part("patch")),
                match.Groups["stage"].Success ? match.Groups["stage"].Value : null);
        }

        return null;
    }

    public override string ToString() => Text;
}
