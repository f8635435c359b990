using HaEdge.Core.Carp;
using HaEdge.Core.Inventory;
using HaEdge.Core.Proxmox;
using Xunit;

namespace HaEdge.Core.Tests.Output;

public sealed class ValueListTests
{
    [Fact]
    public void A_result_list_prints_its_values_not_its_type()
    {
        var row = new CarpVipStatus { Addresses = new List<string> { "10.0.10.1/24", "10.0.10.2/24" } };

        Assert.Equal("10.0.10.1/24, 10.0.10.2/24", row.Addresses.ToString());
        Assert.Equal(new[] { "10.0.10.1/24", "10.0.10.2/24" }, row.Addresses);
        Assert.Equal("", new CarpVipStatus().Reasons.ToString());
    }

    [Fact]
    public void A_list_is_wrapped_once_and_a_missing_one_is_empty()
    {
        var list = ValueList<string>.Of(new[] { "fw1" });

        Assert.Same(list, ValueList<string>.Of(list));
        Assert.Empty(ValueList<string>.Of(null));
    }

    [Fact]
    public void Nested_values_print_as_Proxmox_writes_them()
    {
        var vm = new HaEdgeVm
        {
            Nics = new[] { new NetDevice { Index = 0, Model = "virtio", MacAddress = "BC:24:11:2E:C5:4A", Bridge = "vmbr0", Firewall = true } },
            FirewallOptions = new VmFirewallOptions { Enable = true, PolicyIn = "DROP" },
        };

        Assert.Equal("net0: virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1", vm.Nics.ToString());
        Assert.Equal("enable=1 macfilter=1 ipfilter=0 dhcp=0 ndp=1 radv=0 policy_in=DROP", vm.FirewallOptions.ToString());
    }
}
