using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml;
using System.Xml.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// A config.xml read into the same neutral tree that <c>pfsense.backup_config_section</c> returns, with typed
/// views of the parts HA cares about. The root element's name is not checked (pfsense, or opnsense in exports).
/// </summary>
internal sealed class PfConfig
{
    private readonly IReadOnlyDictionary<string, object?> root;

    private PfConfig(IReadOnlyDictionary<string, object?> root)
    {
        this.root = root;
        Version = ConfigTree.Text(root, "version");
        HaSync = root.TryGetValue("hasync", out var hasync) ? HaSyncSettings.FromTree(hasync) : null;
        VirtualIps = PfConfigVip.FromTree(Section("virtualip"));
        Gateways = PfConfigGateway.FromTree(Section("gateways"));
        GatewayGroups = PfConfigGatewayGroup.FromTree(Section("gateways"));
        DefaultGatewayV4 = ConfigTree.Text(Section("gateways"), "defaultgw4");
    }

    /// <summary>Reads config.xml text; a malformed file is an InvalidData <see cref="HaEdgeException"/>.</summary>
    public static PfConfig Parse(string xml, string? target = null)
    {
        try
        {
            return Load(SafeXml.Parse(xml, preserveWhitespace: false, "config.xml", target), target);
        }
        catch (XmlException e)
        {
            throw new HaEdgeException("PfConfigInvalidXml", FailureKind.InvalidData,
                $"{target ?? "config.xml"} is not well-formed XML: {e.Message}", target, e);
        }
    }

    public static PfConfig Load(XDocument document, string? target = null)
    {
        if (document?.Root == null)
            throw new HaEdgeException("PfConfigInvalidXml", FailureKind.InvalidData, $"{target ?? "config.xml"} has no root element.", target);
        return new PfConfig(ConfigTree.FromElement(document.Root) as IReadOnlyDictionary<string, object?>
            ?? new Dictionary<string, object?>());
    }

    /// <summary>The config schema version, e.g. 23.2; pfSense compares it with the peer's config_version.</summary>
    public string? Version { get; }

    /// <summary>The top-level section names, in file order.</summary>
    public IReadOnlyList<string> SectionNames => root.Keys.ToList();

    /// <summary>The &lt;hasync&gt; block, or null when the node has none.</summary>
    public HaSyncSettings? HaSync { get; }

    public IReadOnlyList<PfConfigVip> VirtualIps { get; }

    public IReadOnlyList<PfConfigGateway> Gateways { get; }

    public IReadOnlyList<PfConfigGatewayGroup> GatewayGroups { get; }

    /// <summary>Name of the default IPv4 gateway (gateways/defaultgw4), if set.</summary>
    public string? DefaultGatewayV4 { get; }

    /// <summary>A section by name or path ("nat", "system/user") as a neutral tree, or null.</summary>
    public object? Section(string path) => ConfigTree.Select(root, path);

    /// <summary>The named top-level sections, shaped like <c>backup_config_section</c>'s answer; missing ones are left out.</summary>
    public IReadOnlyDictionary<string, object?> Sections(IEnumerable<string> names)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in names ?? throw new ArgumentNullException(nameof(names)))
            if (root.TryGetValue(name, out var value)) result[name] = value;
        return result;
    }

    public override string ToString() => $"config.xml version {Version} ({root.Count} sections)";
}
