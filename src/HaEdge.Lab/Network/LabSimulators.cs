using System.Text.Json;

namespace HaEdge.Lab.Network;

/// <summary>
/// Starts the simulators of Pve/ (and XmlRpc/ once it provides serve-xmlrpc) inside the lab, and reads back what the
/// edge definition needs from them: the API token and the certificate fingerprints they create.
/// </summary>
internal static class LabSimulators
{
    public const int PvePort = 8006;

    /// <summary>True when this build has the serve-xmlrpc verb (XmlRpc/ delivers it).</summary>
    public static bool XmlRpcAvailable => Program.HasVerb("serve-xmlrpc");

    public static void StartPve(LabPaths paths, IReadOnlyList<string> launcher)
    {
        foreach (LabNode node in LabLayout.Nodes)
        {
            Shell.StartDaemon(node.Namespace, paths.Log($"{node.Name}-pve"), launcher.Concat(new[]
            {
                "serve-pve", "--node", node.Name, "--listen", $"{node.ManagementAddress}:{PvePort}", "--state-dir", paths.StateDir,
            }).ToArray());
        }
    }

    public static bool PveReady(LabPaths paths) =>
        File.Exists(Path.Combine(paths.PveDir, "tokens.json")) && File.Exists(Path.Combine(paths.PveDir, "fingerprint")) &&
        LabLayout.Nodes.All(n => LabCommands.TcpOpen(n.ManagementAddress, PvePort));

    /// <summary>The full-privilege token the module uses, from the simulator's tokens.json.</summary>
    public static (string TokenId, string Secret, string Fingerprint)? PveCredentials(LabPaths paths)
    {
        string tokens = Path.Combine(paths.PveDir, "tokens.json");
        string fingerprint = Path.Combine(paths.PveDir, "fingerprint");
        if (!File.Exists(tokens) || !File.Exists(fingerprint))
        {
            return null;
        }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(tokens));
        JsonElement edge = document.RootElement.EnumerateArray()
            .First(t => t.GetProperty("id").GetString() == Pve.PveTokens.EdgeTokenId);
        return (Pve.PveTokens.EdgeTokenId, edge.GetProperty("secret").GetString()!, File.ReadAllText(fingerprint).Trim());
    }

    /// <summary>XMLRPC credentials once XmlRpc/ provides them; null until then (the definition then has no xmlrpc).</summary>
    public static (string User, string Password, string Fingerprint)? XmlRpcCredentials(LabPaths paths) => null;
}
