using System.Text.Json;
using HaEdge.Core.PfSense;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.PfSense;

/// <summary>
/// Issue 12 item 8: one alien line must not lose a whole reading. The samples are the real ones in tests/fixtures/real,
/// unchanged on disk; each test inserts an alien line into the text in memory (at the top, in the middle or at the end)
/// and the reading must come out exactly as the sample's own.
/// </summary>
public class AlienLineTests
{
    /// <summary>The lines a real capture carries that no parser expects.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliens = new Dictionary<string, string>
    {
        // rc.initial on CE 2.7.0-2.7.2 (src/etc/rc.initial l.35), printed before an exec'd command as admin.
        ["banner"] = ">>> Launching rc.local in background...",
        // A pfSense shell prompt pasted along with the output (the prompt format of /etc/rc.initial's shell, tcsh).
        ["prompt"] = "[2.7.2-RELEASE][admin@fw1.home.arpa]/root: ifconfig",
    };

    private static readonly (PfSenseOutputKind Kind, string Folder)[] RealKinds =
    {
        (PfSenseOutputKind.Ifconfig, "ifconfig-carp"),
        (PfSenseOutputKind.PfctlInfo, "pfctl-si"),
        (PfSenseOutputKind.Pfsync, "pfsync"),
    };

    public static TheoryData<PfSenseOutputKind, string, string, string> Cases()
    {
        var data = new TheoryData<PfSenseOutputKind, string, string, string>();
        var files = RealKinds.SelectMany(k => RealFixture.Files(k.Folder).Select(f => (k.Kind, File: f)))
            .Append((PfSenseOutputKind.CarpSysctl, "carp-sysctl/opnsense-core-3671-fw1-sysctl-net.inet.carp.txt"))
            .Append((PfSenseOutputKind.GatewayStatus, "gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt"));
        foreach (var (kind, file) in files)
        {
            foreach (var alien in Aliens.Keys)
            {
                foreach (var where in new[] { "top", "middle", "end" }) data.Add(kind, file, alien, where);
            }
        }

        return data;
    }

    /// <summary>The sample's body with <paramref name="alien"/> inserted as a line of its own.</summary>
    internal static string Insert(string body, string alien, string where)
    {
        var lines = body.Split('\n').ToList();
        // The body ends with a newline: its last "line" is empty, and the end is before it.
        var last = lines.Count > 0 && lines[^1].Length == 0 ? lines.Count - 1 : lines.Count;
        var at = where switch { "top" => 0, "middle" => last / 2, _ => last };
        lines.Insert(at, Aliens[alien]);
        return string.Join("\n", lines);
    }

    private static string Json(object reading) => JsonSerializer.Serialize(reading, reading.GetType());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Item8_an_alien_line_inserted_into_a_real_sample_loses_nothing(PfSenseOutputKind kind, string file, string alien, string where)
    {
        var body = RealFixture.Body(file);
        var expected = PfSenseOutput.Parse(kind, body);

        var reading = PfSenseOutput.Parse(kind, Insert(body, alien, where));

        Assert.Equal(Json(expected), Json(reading));
    }
}
