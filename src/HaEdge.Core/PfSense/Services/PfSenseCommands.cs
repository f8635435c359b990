namespace HaEdge.Core.PfSense.Services
{
    /// <summary>The commands HaEdge runs on a firewall (docs/design/contract.md section 2).</summary>
    public static class PfSenseCommands
    {
        public const string Ifconfig = "ifconfig";
        public const string CarpSysctl = "sysctl net.inet.carp";
        public const string Pfsync = "ifconfig pfsync0";
        public const string PfctlInfo = "pfctl -si";
        public const string PfctlCreators = "pfctl -sc";
        public const string EnableMaintenance = "pfSsh.php playback enablecarpmaint";
        public const string DisableMaintenance = "pfSsh.php playback disablecarpmaint";
        public const string GatewayStatusJson = "php -r 'require_once(\"gwlb.inc\"); echo json_encode(return_gateways_status(true));'";
        public const string GatewayGroupsJson = "php -r 'require_once(\"config.inc\"); echo json_encode(config_get_path(\"gateways/gateway_group\", []));'";
        public const string DefaultRoute = "route -n get default";

        /// <summary>System > Routing > Gateways, "Default gateway IPv4": a group name, a gateway name, "" (Automatic) or "-" (None).</summary>
        public const string DefaultGatewaySetting = "php -r 'require_once(\"config.inc\"); echo config_get_path(\"gateways/defaultgw4\", \"\");'";
    }
}
