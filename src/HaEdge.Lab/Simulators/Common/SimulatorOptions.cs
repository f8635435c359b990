using System;
using System.Collections.Generic;
using System.IO;
using System.Net;

namespace HaEdge.Lab.Simulators.Common;

/// <summary>Command-line options shared by serve-pve and serve-xmlrpc.</summary>
internal sealed record SimulatorOptions(string Name, IPEndPoint Listen, string StateDir, IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Flags)
{
    /// <summary>Parses <c>--name-option X --listen ip:port --state-dir D</c> plus other <c>--key value</c> pairs and bare flags.</summary>
    public static SimulatorOptions Parse(string[] args, string nameOption)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[args[i]] = args[++i];
            }
            else
            {
                flags.Add(args[i]);
            }
        }
        string Required(string key) => values.TryGetValue(key, out string? v) ? v : throw new ArgumentException($"missing {key}");
        // Port 0: the server binds a free port itself and prints it (tests on loopback never race for one).
        if (!IPEndPoint.TryParse(Required("--listen"), out IPEndPoint? listen))
        {
            throw new ArgumentException($"--listen must be <ip>:<port>, got '{values["--listen"]}'");
        }
        return new SimulatorOptions(Required(nameOption), listen, Path.GetFullPath(Required("--state-dir")), values, flags);
    }
}
