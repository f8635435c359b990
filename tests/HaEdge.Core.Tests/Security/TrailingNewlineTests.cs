using HaEdge.Core.Failover.Adapters;
using HaEdge.Core.Proxmox;
using Xunit;

namespace HaEdge.Core.Tests.Security;

/// <summary>
/// Issue 20: an allow-list ending in '$' also accepts the name followed by a newline ('WAN_DHCP\n'); where a name
/// enters a remote command or a request header it must be refused there, whatever the definition reader let through.
/// </summary>
public class TrailingNewlineTests
{
    [Fact]
    public void The_force_down_command_refuses_a_gateway_name_ending_in_a_newline()
    {
        var error = Assert.Throws<HaEdgeException>(() => SessionEdge.ForceDownCommand("WAN_DHCP\n", down: true));

        Assert.Equal(("GatewayNameInvalid", FailureKind.InvalidArgument), (error.ErrorId, error.Kind));
        Assert.Contains("WAN_DHCP", SessionEdge.ForceDownCommand("WAN_DHCP", down: true));
    }

    [Fact]
    public void Proxmox_client_options_refuse_a_token_id_ending_in_a_newline()
    {
        var endpoints = new[] { new Uri("https://192.0.2.31:8006") };

        var error = Assert.Throws<HaEdgeException>(() => new ProxmoxClientOptions(endpoints, "haedge@pve!edge\n", "00000000-0000-0000-0000-000000000000"));

        Assert.Equal("ProxmoxInvalidOptions", error.ErrorId);
        Assert.Contains("is not USER@REALM!TOKENID", error.Message);
        Assert.Equal("haedge@pve!edge", new ProxmoxClientOptions(endpoints, "haedge@pve!edge", "00000000-0000-0000-0000-000000000000").TokenId);
    }
}
