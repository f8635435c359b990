using HaEdge.Core.Tests.Support;

namespace HaEdge.Core.Tests.Carp;

/// <summary>
/// The real samples the CARP tests run on, and the few texts built from the upstream format strings for cases no real
/// sample covers (each FromSource* member says what it stands for). Not captured output.
/// </summary>
internal static class CarpSamples
{
    // opnsense/core#3671: the same pair, fw1 MASTER and fw2 BACKUP (ifconfig | grep carp), and fw1's sysctl.
    public static string Fw1Master => RealFixture.Body("ifconfig-carp/opnsense-core-3671-fw1-grep-master.txt");

    public static string Fw2Backup => RealFixture.Body("ifconfig-carp/opnsense-core-3671-fw2-grep-backup.txt");

    public static string Fw1Sysctl => RealFixture.Body("carp-sysctl/opnsense-core-3671-fw1-sysctl-net.inet.carp.txt");

    // BSDRP lab: VM2 MASTER and VM3 BACKUP, whole interfaces with IPv4 and IPv6 VIPs.
    public static string Vm2Master => RealFixture.Body("ifconfig-carp/bsdrp-pf-carp-lab-vm2-master.txt");

    public static string Vm3Backup => RealFixture.Body("ifconfig-carp/bsdrp-pf-carp-lab-vm3-backup.txt");

    /// <summary>From source (ip_carp.c sysctl names, sysctl's "name: value"): the secondary's defaults, not demoted.</summary>
    public const string FromSourceSysctlHealthy =
        "net.inet.carp.ifdown_demotion_factor: 240\n" +
        "net.inet.carp.senderr_demotion_factor: 0\n" +
        "net.inet.carp.demotion: 0\n" +
        "net.inet.carp.log: 1\n" +
        "net.inet.carp.preempt: 1\n" +
        "net.inet.carp.allow: 1\n";

    /// <summary>From source (ifcarp.c "\tcarp: %s vhid %d advbase %d advskew %d"): a line of the given state and skew.</summary>
    public static string FromSourceCarpLine(string state, int vhid, int advSkew) => $"\tcarp: {state} vhid {vhid} advbase 1 advskew {advSkew}\n";

    /// <summary>The real sysctl sample with one value changed, for flag cases (demotion, allow).</summary>
    public static string Fw1SysctlWith(string name, string value) =>
        string.Join("\n", Fw1Sysctl.Split('\n').Select(l => l.StartsWith($"net.inet.carp.{name}:", StringComparison.Ordinal) ? $"net.inet.carp.{name}: {value}" : l));

    public static Dictionary<string, string> CarpAnswers(string ifconfig, string sysctl) => new()
    {
        ["ifconfig"] = ifconfig,
        ["sysctl net.inet.carp"] = sysctl,
    };
}
