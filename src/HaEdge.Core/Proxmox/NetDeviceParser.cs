using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// Parses a VM <c>netN</c> value. Each model name is a key whose value is the MAC (<c>virtio=BC:24:11:2E:C5:4A</c>);
/// <c>model=</c> plus <c>macaddr=</c> is the long form (qemu-server Network.pm <c>$net_fmt</c>).
/// </summary>
internal static class NetDeviceParser
{
    /// <summary>The NIC models qemu-server knows (<c>$nic_model_list</c>).</summary>
    public static IReadOnlyCollection<string> KnownModels => Models;

    private static readonly HashSet<string> KnownOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "model", "macaddr", "bridge", "tag", "mtu", "queues", "rate", "firewall", "link_down", "trunks",
    };

    private static readonly Regex MacAddress = new Regex(@"\A[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}\z", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> Models = new HashSet<string>(StringComparer.Ordinal)
    {
        "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er",
        "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3",
    };

    /// <summary>
    /// Parses <paramref name="value"/> (for example <c>virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,tag=20,firewall=1</c>).
    /// Throws <see cref="HaEdgeException"/> <c>ProxmoxInvalidNetDevice</c> when a known option has a malformed value.
    /// </summary>
    public static NetDevice Parse(string value, int index = 0)
    {
        if (string.IsNullOrWhiteSpace(value)) throw Invalid(value, index, "the value is empty");

        string? model = null, mac = null, bridge = null;
        int? tag = null, mtu = null, queues = null;
        double? rate = null;
        bool firewall = false, linkDown = false;
        IReadOnlyList<VlanRange> trunks = Array.Empty<VlanRange>();
        var others = new SortedDictionary<string, string>(StringComparer.Ordinal);

        var pairs = PropertyString.Split(value, "model");
        for (var position = 0; position < pairs.Count; position++)
        {
            var key = pairs[position].Key;
            var text = pairs[position].Value;
            // PVE writes the model first; a model newer than our list still shows as "name=MAC" there.
            if (Models.Contains(key) || (position == 0 && !KnownOptions.Contains(key) && MacAddress.IsMatch(text)))
            {
                model = key;
                mac = text.Length == 0 ? null : text.ToUpperInvariant();
                continue;
            }
            switch (key)
            {
                case "model": model = text; break;
                case "macaddr": mac = text.ToUpperInvariant(); break;
                case "bridge": bridge = text; break;
                case "tag": tag = Number(text, key, value, index); break;
                case "mtu": mtu = Number(text, key, value, index); break;
                case "queues": queues = Number(text, key, value, index); break;
                case "rate":
                    rate = JsonValue.ParseDouble(text) ?? throw Invalid(value, index, $"rate '{text}' is not a number");
                    break;
                case "firewall": firewall = Flag(text, key, value, index); break;
                case "link_down": linkDown = Flag(text, key, value, index); break;
                case "trunks":
                    try
                    {
                        trunks = VlanRange.ParseList(text);
                    }
                    catch (HaEdgeException error)
                    {
                        throw Invalid(value, index, error.Message);
                    }
                    break;
                default: others[key] = text; break;
            }
        }

        return new NetDevice
        {
            Index = index,
            Model = model,
            MacAddress = mac,
            Bridge = bridge,
            Tag = tag,
            Trunks = trunks,
            Firewall = firewall,
            LinkDown = linkDown,
            Mtu = mtu,
            Queues = queues,
            Rate = rate,
            OtherOptions = others,
        };
    }

    private static int Number(string text, string key, string value, int index) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Invalid(value, index, $"{key} '{text}' is not an integer");

    private static bool Flag(string text, string key, string value, int index) =>
        JsonValue.ParseBool(text) ?? throw Invalid(value, index, $"{key} '{text}' is not 0 or 1");

    private static HaEdgeException Invalid(string value, int index, string problem) =>
        new HaEdgeException("ProxmoxInvalidNetDevice", FailureKind.InvalidData,
            $"net{index.ToString(CultureInfo.InvariantCulture)} '{value}' cannot be read: {problem}.", "net" + index.ToString(CultureInfo.InvariantCulture));
}
