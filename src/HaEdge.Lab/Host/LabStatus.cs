using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HaEdge.Lab.Topology;

namespace HaEdge.Lab.Host;

/// <summary>What the lab looks like right now, read from the namespaces (not from what `up` intended).</summary>
internal sealed record LabStatusReport(
    bool Up, string StateDir, string? EdgeDefinition, IReadOnlyList<string> Namespaces,
    IReadOnlyList<FirewallStatus> Firewalls, IReadOnlyList<string> Faults, string? Profile = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static LabStatusReport Read(LabPaths paths)
    {
        IReadOnlyList<string> namespaces = Shell.Namespaces().Where(n => n.StartsWith(LabLayout.Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        bool up = File.Exists(paths.LabFile) && LabLayout.AllNamespaces.All(namespaces.Contains);
        if (!up)
        {
            return new LabStatusReport(false, paths.StateDir, null, namespaces, Array.Empty<FirewallStatus>(), Array.Empty<string>());
        }
        LabNetwork lab = LabNetwork.Load(paths.StateDir);
        return new LabStatusReport(true, paths.StateDir, File.Exists(paths.EdgeDefinition) ? paths.EdgeDefinition : null, namespaces,
            LabLayout.Firewalls.Select(fw => FirewallStatus.Read(fw, paths, lab.Vm(fw))).ToList(),
            new LabFaults(paths, lab).Active(), lab.Profile.Name);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToText()
    {
        var text = new StringBuilder();
        if (!Up)
        {
            text.Append("lab is down").Append(Namespaces.Count > 0 ? $" (left over: {string.Join(", ", Namespaces)}; run down)" : "").Append('\n');
            return text.ToString();
        }
        text.Append($"lab is up: {StateDir}, edge definition {EdgeDefinition ?? "(not written)"}\n");
        text.Append($"  profile: {LabProfile.Named(Profile).Name} ({LabProfile.Named(Profile).Description})\n");
        foreach (FirewallStatus fw in Firewalls)
        {
            text.Append($"  {fw.Name} (vmid {fw.VmId} on {fw.Node}): {(fw.Running ? "running" : "stopped")}");
            text.Append(fw.Maintenance ? ", maintenance mode" : "");
            text.Append($", default via {fw.DefaultRoute ?? "none"}, {fw.StateEntries} states\n");
            text.Append("    CARP: ").Append(string.Join("  ", fw.Vips.Select(v => $"{v.Segment} vhid {v.Vhid} {v.Vip} {v.State}"))).Append('\n');
            text.Append("    gateways: ").Append(fw.Gateways.Count == 0 ? "-" : string.Join("  ", fw.Gateways.Select(g => $"{g.Name} {g.Status} loss {g.LossPercent}%"))).Append('\n');
        }
        text.Append("  faults: ").Append(Faults.Count == 0 ? "none" : string.Join("; ", Faults)).Append('\n');
        return text.ToString();
    }
}

internal sealed record VipStatus(string Segment, int Vhid, string Vip, string State);

internal sealed record LabGatewayStatus(string Name, string Monitor, string Status, int LossPercent, int DelayMicroseconds);

internal sealed record FirewallStatus(
    string Name, int VmId, string Node, bool Running, bool Maintenance, string? DefaultRoute, int StateEntries,
    IReadOnlyList<VipStatus> Vips, IReadOnlyList<LabGatewayStatus> Gateways)
{
    public static FirewallStatus Read(LabFirewall fw, LabPaths paths, FirewallVm vm)
    {
        bool running = vm.IsRunning;
        string addresses = Shell.Run("ip", "-n", fw.Namespace, "-o", "-4", "addr", "show").Output;
        var vips = LabLayout.CarpSegments.Select(s =>
        {
            string state = !running ? "INIT"
                : addresses.Split('\n').Any(l => l.Contains($" {s.VipInterface} ", StringComparison.Ordinal) && l.Contains($" {s.Vip}/", StringComparison.Ordinal)) ? "MASTER"
                : ReadWord(paths.FirewallFile(fw, Path.Combine("vrrp", s.Vhid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))) is "BACKUP" or "MASTER" ? "BACKUP"
                : "INIT";
            return new VipStatus(s.Name, s.Vhid!.Value, s.Vip!, state);
        }).ToList();
        string route = Shell.Run("ip", "-n", fw.Namespace, "-4", "route", "show", "default").Output.Trim();
        Shell.Result entries = Shell.InNamespace(fw.Namespace, "conntrack", "-C");
        var gateways = new List<LabGatewayStatus>();
        string gwDir = paths.FirewallFile(fw, "gw");
        foreach (string file in running && Directory.Exists(gwDir) ? Directory.GetFiles(gwDir).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
        {
            string[] f = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (f.Length >= 8)
            {
                gateways.Add(new LabGatewayStatus(f[0], f[1], f[6], int.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        return new FirewallStatus(fw.Name, fw.VmId, fw.Node, running, vm.InMaintenance,
            route.Length > 0 ? route.Replace("default via ", "", StringComparison.Ordinal) : null,
            entries.Ok && int.TryParse(entries.Output.Trim(), out int n) ? n : 0, vips, gateways);
    }

    private static string? ReadWord(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
