using HaEdge.Core.Carp;
using HaEdge.Core.Pfsync;


namespace HaEdge.Core.PfSense;

/// <summary>The commands HaEdge runs on a firewall (docs/design/contract.md section 2).</summary>
internal static class PfSenseCommands
{
    /// <summary>The release (src/etc/version: "2.7.0-RELEASE"), read once per SSH connection to choose commands by.</summary>
    public const string Version = "cat /etc/version";

    public const string Ifconfig = "ifconfig";
    public const string CarpSysctl = "sysctl net.inet.carp";
    public const string Pfsync = "ifconfig pfsync0";
    public const string PfctlInfo = "pfctl -si";
    public const string PfctlCreators = "pfctl -sc";

    /// <summary>
    /// The state creator ids where pfctl has no -sc: how pfSense CE 2.7.0 reads them itself (status_carp.php,
    /// RELENG_2_7_0 l.239). It walks every state, so it is used only where -sc is missing or not known to exist.
    /// </summary>
    public const string PfctlCreatorsFromStates = "pfctl -vvss | awk '/creatorid:/ {print $4;}' | sort -u";
    public const string EnableMaintenance = "pfSsh.php playback enablecarpmaint";
    public const string DisableMaintenance = "pfSsh.php playback disablecarpmaint";
    public const string GatewayStatusJson = "php -r 'require_once(\"gwlb.inc\"); echo json_encode(return_gateways_status(true));'";
    public const string GatewayGroupsJson = "php -r 'require_once(\"config.inc\"); echo json_encode(config_get_path(\"gateways/gateway_group\", []));'";
    public const string DefaultRoute = "route -n get default";

    /// <summary>System > Routing > Gateways, "Default gateway IPv4": a group name, a gateway name, "" (Automatic) or "-" (None).</summary>
    public const string DefaultGatewaySetting = "php -r 'require_once(\"config.inc\"); echo config_get_path(\"gateways/defaultgw4\", \"\");'";

    /// <summary>The creator-id command for <paramref name="release"/> (null: /etc/version could not be read).</summary>
    public static string CreatorIdsFor(PfSenseRelease? release) => release?.HasPfctlCreatorIds == true ? PfctlCreators : PfctlCreatorsFromStates;
}
