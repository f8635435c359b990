using System.Collections.Generic;
using System.Globalization;

namespace HaEdge.Core.ConfigSync;

/// <summary>What <c>pfsense.host_firmware_version</c> reports; pfSense syncs only between equal <see cref="ConfigVersion"/>s.</summary>
public sealed class PfFirmwareInfo
{
    public PfFirmwareInfo(string? firmwareVersion, string? kernelVersion, string? baseVersion, string? platform, string? configVersion)
    {
        FirmwareVersion = firmwareVersion;
        KernelVersion = kernelVersion;
        BaseVersion = baseVersion;
        Platform = platform;
        ConfigVersion = configVersion;
    }

    /// <summary>Product version, e.g. 2.7.0-RELEASE.</summary>
    public string? FirmwareVersion { get; }

    public string? KernelVersion { get; }

    public string? BaseVersion { get; }

    /// <summary>Product label, e.g. pfSense.</summary>
    public string? Platform { get; }

    /// <summary>The config.xml schema version, e.g. 22.9.</summary>
    public string? ConfigVersion { get; }

    /// <summary>Reads the struct <c>{firmware:{version}, kernel:{version}, base:{version}, platform, config_version}</c>.</summary>
    internal static PfFirmwareInfo FromXmlRpc(object? value)
    {
        var root = value as IReadOnlyDictionary<string, object?>;
        return new PfFirmwareInfo(
            Nested(root, "firmware"), Nested(root, "kernel"), Nested(root, "base"),
            Text(root, "platform"), Text(root, "config_version"));
    }

    public override string ToString() => $"{Platform} {FirmwareVersion} (config {ConfigVersion})";

    private static string? Nested(IReadOnlyDictionary<string, object?>? root, string key) =>
        root != null && root.TryGetValue(key, out var inner) ? Text(inner as IReadOnlyDictionary<string, object?>, "version") : null;

    private static string? Text(IReadOnlyDictionary<string, object?>? members, string key)
    {
        if (members == null || !members.TryGetValue(key, out var value)) return null;
        return value switch
        {
            null => null,
            string s => s.Trim(),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            int i => i.ToString(CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}
