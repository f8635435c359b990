using System.Text.Json;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Topology;

/// <summary>
/// The running lab as the simulators see it: the <see cref="ILabVmControl"/> seam. A PVE simulator process gets
/// one with <see cref="Load"/>; each call is a real change to the namespaces.
/// </summary>
public sealed class LabNetwork : ILabVmControl
{
    private readonly LabPaths paths;
    private readonly IReadOnlyList<string> launcher;
    private readonly LabProfile profile;
    // One VM action at a time per process, as QEMU serialises a VM's monitor commands.
    private readonly SemaphoreSlim gate = new(1, 1);

    private LabNetwork(LabPaths paths, IReadOnlyList<string> launcher, LabProfile profile)
    {
        this.paths = paths;
        this.launcher = launcher;
        this.profile = profile;
        // firewall=1 on every NIC, as Proxmox creates them: the VM firewall options (macfilter) then decide,
        // which is what the mac-filter fault changes.
        Vms = LabLayout.Firewalls.Select(fw => new LabVm(fw.VmId, fw.Name, fw.Node,
            LabLayout.Segments.Select(s => new LabNic(s.Net, s.Bridge, fw.Mac(s.Net).ToUpperInvariant(), s.Vlan, Firewall: true)).ToList())).ToList();
    }

    /// <summary>The running lab in <paramref name="stateDir"/> (default /run/haedge-lab); throws when it is not up.</summary>
    public static LabNetwork Load(string? stateDir = null)
    {
        var paths = new LabPaths(stateDir ?? LabLayout.DefaultStateDir);
        if (!File.Exists(paths.LabFile))
        {
            throw new InvalidOperationException($"the lab is not up: {paths.LabFile} does not exist (run `haedge-lab up`)");
        }
        LabState state = JsonSerializer.Deserialize<LabState>(File.ReadAllText(paths.LabFile))
                         ?? throw new InvalidOperationException($"{paths.LabFile} is empty");
        return new LabNetwork(paths, state.Launcher, LabProfile.Named(state.Profile));
    }

    internal static LabNetwork Create(LabPaths paths, IReadOnlyList<string> launcher, LabProfile profile) => new(paths, launcher, profile);

    internal LabProfile Profile => profile;

    public IReadOnlyList<LabVm> Vms { get; }

    public bool IsRunning(int vmId) => Vm(vmId).IsRunning;

    public Task StopAsync(int vmId, CancellationToken cancellationToken) => Act(() => Vm(vmId).Stop(), cancellationToken);

    public Task StartAsync(int vmId, CancellationToken cancellationToken) => Act(() =>
    {
        FirewallVm vm = Vm(vmId);
        if (!vm.IsRunning)
        {
            vm.Start();
        }
    }, cancellationToken);

    public Task SetLinkAsync(int vmId, int netIndex, bool up, CancellationToken cancellationToken) =>
        Act(() => Vm(vmId).SetLink(netIndex, up), cancellationToken);

    internal FirewallVm Vm(int vmId) => Vm(LabLayout.Firewall(vmId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    internal FirewallVm Vm(LabFirewall firewall) => new(firewall, paths, launcher, profile);

    private async Task Act(Action action, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Run(action, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>lab.json: what a later process needs to act on the running lab.</summary>
internal sealed record LabState(string StateDir, IReadOnlyList<string> Launcher, DateTimeOffset Started, string? Profile = null);
