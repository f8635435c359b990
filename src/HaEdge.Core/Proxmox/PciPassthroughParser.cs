using System;
using System.Collections.Generic;
using System.Globalization;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// Parses a VM <c>hostpciN</c> value: <c>0000:01:00.0</c>, <c>host=81:00.4;81:00.5,pcie=1</c>,
/// <c>mapping=someGpu,mdev=some-model</c> (qemu-server PCI.pm; <c>host</c> is the default key).
/// </summary>
internal static class PciPassthroughParser
{
    /// <summary>Throws <see cref="HaEdgeException"/> <c>ProxmoxInvalidPciPassthrough</c> on a malformed value.</summary>
    public static PciPassthrough Parse(string value, int index = 0)
    {
        if (string.IsNullOrWhiteSpace(value)) throw Invalid(value, index, "the value is empty");

        IReadOnlyList<string> hostIds = Array.Empty<string>();
        string? mapping = null, romFile = null, mdev = null;
        bool pcie = false, romBar = true, xVga = false, legacyIgd = false;
        var others = new SortedDictionary<string, string>(StringComparer.Ordinal);

        foreach (var pair in PropertyString.Split(value, "host"))
        {
            var text = pair.Value;
            switch (pair.Key)
            {
                case "host": hostIds = JsonValue.SplitList(text, ';'); break;
                case "mapping": mapping = text; break;
                case "pcie": pcie = Flag(text, pair.Key, value, index); break;
                case "rombar": romBar = Flag(text, pair.Key, value, index); break;
                case "x-vga": xVga = Flag(text, pair.Key, value, index); break;
                case "legacy-igd": legacyIgd = Flag(text, pair.Key, value, index); break;
                case "romfile": romFile = text; break;
                case "mdev": mdev = text; break;
                default: others[pair.Key] = text; break;
            }
        }

        if (hostIds.Count == 0 && mapping == null) throw Invalid(value, index, "it names neither host ids nor a mapping");

        return new PciPassthrough
        {
            Index = index,
            HostIds = hostIds,
            Mapping = mapping,
            Pcie = pcie,
            RomBar = romBar,
            XVga = xVga,
            LegacyIgd = legacyIgd,
            RomFile = romFile,
            Mdev = mdev,
            OtherOptions = others,
        };
    }

    private static bool Flag(string text, string key, string value, int index) =>
        JsonValue.ParseBool(text) ?? throw Invalid(value, index, $"{key} '{text}' is not 0 or 1");

    private static HaEdgeException Invalid(string value, int index, string problem) =>
        new HaEdgeException("ProxmoxInvalidPciPassthrough", FailureKind.InvalidData,
            $"hostpci{index.ToString(CultureInfo.InvariantCulture)} '{value}' cannot be read: {problem}.",
            "hostpci" + index.ToString(CultureInfo.InvariantCulture));
}
