using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>One &lt;virtualip&gt;&lt;vip&gt; entry. The CARP password is not kept.</summary>
internal sealed class PfConfigVip
{
    public PfConfigVip(string? mode, string? @interface, int? vhid, int? advSkew, int? advBase, string? subnet,
        int? subnetBits, string? type, string? uniqId, string? description)
    {
        Mode = mode;
        Interface = @interface;
        Vhid = vhid;
        AdvSkew = advSkew;
        AdvBase = advBase;
        Subnet = subnet;
        SubnetBits = subnetBits;
        Type = type;
        UniqId = uniqId;
        Description = description;
    }

    /// <summary>carp, ipalias, proxyarp or other.</summary>
    public string? Mode { get; }

    /// <summary>Interface key (wan, lan, optN) or, for an IP alias on a CARP VIP, the parent's _vipNN key.</summary>
    public string? Interface { get; }

    public int? Vhid { get; }

    public int? AdvSkew { get; }

    public int? AdvBase { get; }

    /// <summary>The address.</summary>
    public string? Subnet { get; }

    public int? SubnetBits { get; }

    /// <summary>single, network or range.</summary>
    public string? Type { get; }

    public string? UniqId { get; }

    public string? Description { get; }

    public bool IsCarp => Mode == "carp";

    public static IReadOnlyList<PfConfigVip> FromTree(object? virtualip) =>
        ConfigTree.Items(ConfigTree.Select(virtualip, "vip")).Select(v => new PfConfigVip(
            ConfigTree.Text(v, "mode"), ConfigTree.Text(v, "interface"), Number(v, "vhid"), Number(v, "advskew"),
            Number(v, "advbase"), ConfigTree.Text(v, "subnet"), Number(v, "subnet_bits"), ConfigTree.Text(v, "type"),
            ConfigTree.Text(v, "uniqid"), ConfigTree.Text(v, "descr"))).ToList();

    public override string ToString() => $"{Mode} {Subnet}/{SubnetBits} on {Interface}" + (IsCarp ? $" vhid {Vhid} advskew {AdvSkew}" : "");

    internal static int? Number(object? parent, string key) =>
        int.TryParse(ConfigTree.Text(parent, key)?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
}

/// <summary>One &lt;gateways&gt;&lt;gateway_item&gt;.</summary>
internal sealed class PfConfigGateway
{
    public PfConfigGateway(string? name, string? @interface, string? gateway, string? monitor, string? ipProtocol,
        bool monitorDisabled, bool disabled, string? description)
    {
        Name = name;
        Interface = @interface;
        Gateway = gateway;
        Monitor = monitor;
        IpProtocol = ipProtocol;
        MonitorDisabled = monitorDisabled;
        Disabled = disabled;
        Description = description;
    }

    public string? Name { get; }

    public string? Interface { get; }

    /// <summary>The gateway address, or "dynamic".</summary>
    public string? Gateway { get; }

    /// <summary>Monitor IP when it differs from the gateway; null means the gateway itself.</summary>
    public string? Monitor { get; }

    /// <summary>inet or inet6.</summary>
    public string? IpProtocol { get; }

    public bool MonitorDisabled { get; }

    public bool Disabled { get; }

    public string? Description { get; }

    public static IReadOnlyList<PfConfigGateway> FromTree(object? gateways) =>
        ConfigTree.Items(ConfigTree.Select(gateways, "gateway_item")).Select(g => new PfConfigGateway(
            ConfigTree.Text(g, "name"), ConfigTree.Text(g, "interface"), ConfigTree.Text(g, "gateway"),
            Empty(ConfigTree.Text(g, "monitor")), ConfigTree.Text(g, "ipprotocol"),
            // Booleans in config.xml are "present" (often empty) or absent; see dump_xml_config_sub().
            ConfigTree.Text(g, "monitor_disable") != null, ConfigTree.Text(g, "disabled") != null,
            ConfigTree.Text(g, "descr"))).ToList();

    public override string ToString() => $"{Name} {Gateway} on {Interface}";

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

/// <summary>One &lt;gateways&gt;&lt;gateway_group&gt;: members "GWNAME|tier|vip" and the trigger.</summary>
internal sealed class PfConfigGatewayGroup
{
    public PfConfigGatewayGroup(string? name, IReadOnlyList<PfConfigGatewayGroupMember> members, string? trigger, string? description)
    {
        Name = name;
        Members = members;
        Trigger = trigger;
        Description = description;
    }

    public string? Name { get; }

    public IReadOnlyList<PfConfigGatewayGroupMember> Members { get; }

    /// <summary>down, downloss, downlatency or downlosslatency.</summary>
    public string? Trigger { get; }

    public string? Description { get; }

    public static IReadOnlyList<PfConfigGatewayGroup> FromTree(object? gateways) =>
        ConfigTree.Items(ConfigTree.Select(gateways, "gateway_group")).Select(g => new PfConfigGatewayGroup(
            ConfigTree.Text(g, "name"),
            ConfigTree.Items(ConfigTree.Select(g, "item")).Select(i => PfConfigGatewayGroupMember.Parse(ConfigTree.Text(i) ?? "")).ToList(),
            ConfigTree.Text(g, "trigger"), ConfigTree.Text(g, "descr"))).ToList();

    public override string ToString() => $"{Name}: {string.Join(", ", Members)}";
}

/// <summary>A gateway group item "GWNAME|tier|vip"; tier 0 means "never" (excluded), lower tiers win.</summary>
internal sealed class PfConfigGatewayGroupMember
{
    public PfConfigGatewayGroupMember(string gateway, int? tier, string? virtualIp)
    {
        Gateway = gateway;
        Tier = tier;
        VirtualIp = virtualIp;
    }

    public string Gateway { get; }

    public int? Tier { get; }

    /// <summary>"address" (the interface address) or a VIP key.</summary>
    public string? VirtualIp { get; }

    public static PfConfigGatewayGroupMember Parse(string item)
    {
        var parts = item.Split('|');
        int? tier = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : (int?)null;
        return new PfConfigGatewayGroupMember(parts[0], tier, parts.Length > 2 ? parts[2] : null);
    }

    public override string ToString() => $"{Gateway}|{Tier}|{VirtualIp}";
}
