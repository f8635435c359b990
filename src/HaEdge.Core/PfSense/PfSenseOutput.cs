using System;
using HaEdge.Core.Carp;
using HaEdge.Core.Gateways;
using HaEdge.Core.Pfsync;

namespace HaEdge.Core.PfSense;

/// <summary>The command outputs HaEdge can read (docs/design/contract.md section 2).</summary>
public enum PfSenseOutputKind
{
    /// <summary><c>ifconfig</c>, a single interface or an <c>ifconfig | grep carp</c> excerpt.</summary>
    Ifconfig,

    /// <summary><c>sysctl net.inet.carp</c>.</summary>
    CarpSysctl,

    /// <summary><c>pfctl -si</c> or <c>pfctl -v -si</c>.</summary>
    PfctlInfo,

    /// <summary><c>pfctl -sc</c>.</summary>
    PfctlCreators,

    /// <summary><c>ifconfig pfsync0</c>.</summary>
    Pfsync,

    /// <summary>The JSON of <c>return_gateways_status(true)</c> or the <c>pfSsh.php playback gatewaystatus</c> table.</summary>
    GatewayStatus,

    /// <summary>The JSON of <c>config_get_path("gateways/gateway_group")</c>.</summary>
    GatewayGroups,

    /// <summary><c>route -n get default</c>.</summary>
    RouteGet,
}

/// <summary>One entry point for <c>ConvertFrom-PfSenseOutput</c>: the same typed objects the live cmdlets use.</summary>
internal static class PfSenseOutput
{
    /// <summary>
    /// Parses <paramref name="text"/> as <paramref name="kind"/>. Returns the kind's model: <c>IfconfigOutput</c>,
    /// <c>CarpSysctl</c>, <c>PfctlInfo</c>, <c>PfsyncStatus</c>, <c>RouteInfo</c>, or a list of host ids,
    /// <c>GatewayStatus</c> or <c>GatewayGroup</c>. Unreadable text throws <see cref="HaEdgeException"/> only.
    /// </summary>
    public static object Parse(PfSenseOutputKind kind, string text) => Read(kind, text).Value;

    /// <summary>As <see cref="Parse"/>, with the lines the parser skipped.</summary>
    public static Parsed<object> Read(PfSenseOutputKind kind, string text)
    {
        switch (kind)
        {
            case PfSenseOutputKind.Ifconfig: return Boxed(IfconfigParser.Read(text));
            case PfSenseOutputKind.CarpSysctl: return Boxed(CarpSysctlParser.Read(text));
            case PfSenseOutputKind.PfctlInfo: return Boxed(PfctlInfoParser.Read(text));
            case PfSenseOutputKind.PfctlCreators: return Boxed(PfctlCreatorParser.Read(text));
            case PfSenseOutputKind.Pfsync: return Boxed(PfsyncParser.Read(text));
            case PfSenseOutputKind.GatewayStatus: return Boxed(GatewayStatusParser.Read(text));
            case PfSenseOutputKind.GatewayGroups: return Boxed(GatewayGroupParser.Read(text));
            case PfSenseOutputKind.RouteGet: return Boxed(RouteGetParser.Read(text));
            default: throw new HaEdgeException("PfSenseOutputKindUnknown", FailureKind.InvalidArgument, $"Unknown pfSense output kind '{kind}'.");
        }
    }

    private static Parsed<object> Boxed<T>(Parsed<T> parsed) where T : class => new Parsed<object>(parsed.Value, parsed.Skipped);
}
