using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>
/// An <see cref="ILabVmControl"/> with no network behind it (<c>--fake-vms</c>), for the simulators' own tests.
/// Power and link state live in <c>&lt;state-dir&gt;/pve/fake-vms.json</c> so that the pve1 and pve2 processes
/// see the same VMs: the lab's own (fw1 = 101 on pve1, fw2 = 102 on pve2, net0..net4 per segment).
/// </summary>
internal sealed class FakeLabVmControl : ILabVmControl
{
    private sealed class FakeState
    {
        public Dictionary<int, bool> Running { get; set; } = new();
        public Dictionary<string, bool> LinkUp { get; set; } = new();
    }

    private readonly string path;

    public FakeLabVmControl(string pveDirectory)
    {
        path = Path.Combine(pveDirectory, "fake-vms.json");
        Vms = LabLayout.Firewalls.Select(MakeVm).ToList();
    }

    public IReadOnlyList<LabVm> Vms { get; }

    public bool IsRunning(int vmId) => Load().Running.GetValueOrDefault(vmId, true);

    public Task StopAsync(int vmId, CancellationToken cancellationToken) => Change(s => s.Running[vmId] = false);

    public Task StartAsync(int vmId, CancellationToken cancellationToken) => Change(s => s.Running[vmId] = true);

    public Task SetLinkAsync(int vmId, int netIndex, bool up, CancellationToken cancellationToken) =>
        Change(s => s.LinkUp[$"{vmId}/{netIndex}"] = up);

    private static LabVm MakeVm(LabFirewall firewall) => new(firewall.VmId, firewall.Name, firewall.Node, LabLayout.Segments
        .Select(s => new LabNic(s.Net, s.Bridge, firewall.Mac(s.Net).ToUpperInvariant(), s.Vlan, Firewall: true))
        .ToList());

    private FakeState Load()
    {
        string? text = StateFile.ReadOrNull(path);
        return text is null ? new FakeState() : JsonSerializer.Deserialize<FakeState>(text) ?? new FakeState();
    }

    private Task Change(System.Action<FakeState> change)
    {
        using (StateFile.Lock(path))
        {
            string? text = StateFile.ReadOrNull(path);
            FakeState state = text is null ? new FakeState() : JsonSerializer.Deserialize<FakeState>(text) ?? new FakeState();
            change(state);
            StateFile.WriteAtomic(path, JsonSerializer.Serialize(state));
        }
        return Task.CompletedTask;
    }
}
