using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>
/// VM power as qemu-server and the HA stack do it. A VM that is not an HA resource gets qmstop / qmstart /
/// qmshutdown worker tasks acting at once. For an HA resource the API call only changes the requested state
/// (hastop / hastart tasks, as <c>ha-manager crm-command stop</c> and <c>set --state started</c>), and this node's
/// local resource manager (<see cref="RunLocalResourceManagerAsync"/>) brings the VM there, and also restarts an
/// HA VM that died (a lab hard-stop fault), as pve-ha-lrm does.
/// </summary>
internal sealed class PveVmPower
{
    private static readonly TimeSpan LrmInterval = TimeSpan.FromSeconds(5);

    private readonly PveStore store;
    private readonly PveTasks tasks;
    private readonly ILabVmControl vms;
    private readonly string localNode;

    public PveVmPower(PveStore store, PveTasks tasks, ILabVmControl vms, string localNode)
    {
        this.store = store;
        this.tasks = tasks;
        this.vms = vms;
        this.localNode = localNode;
    }

    /// <summary>POST .../status/{stop|start|shutdown}: the task's UPID.</summary>
    public string Request(PveToken token, string node, int vmId, string action)
    {
        HaResourceRecord? ha = store.Read(s =>
        {
            PveStore.RequireVm(s, node, vmId);
            return s.HaResources.FirstOrDefault(h => h.Sid == $"vm:{vmId}");
        });
        string id = vmId.ToString(CultureInfo.InvariantCulture);
        if (action is not ("stop" or "start" or "shutdown"))
        {
            throw new PveError(501, $"Method 'POST /nodes/{node}/qemu/{vmId}/status/{action}' not implemented");
        }
        if (ha is not null)
        {
            string requested = action == "start" ? "started" : "stopped";
            return tasks.Start(node, action == "start" ? "hastart" : "hastop", id, token, async (log, ct) =>
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
                store.Update(s => s.HaResources.First(h => h.Sid == ha.Sid).State = requested);
                log($"Requesting HA {(action == "start" ? "start" : "stop")} for VM {vmId}");
            });
        }
        return action switch
        {
            // A hard stop: qemu is killed after the worker's short setup, then every link is gone.
            "stop" => tasks.Start(node, "qmstop", id, token, async (log, ct) =>
            {
                await Task.Delay(1000, ct).ConfigureAwait(false);
                if (vms.IsRunning(vmId))
                {
                    await vms.StopAsync(vmId, ct).ConfigureAwait(false);
                }
            }),
            "shutdown" => tasks.Start(node, "qmshutdown", id, token, async (log, ct) =>
            {
                if (!vms.IsRunning(vmId))
                {
                    throw new TaskFailure($"VM {vmId} not running");
                }
                await Task.Delay(3000, ct).ConfigureAwait(false); // the guest's ACPI shutdown
                await vms.StopAsync(vmId, ct).ConfigureAwait(false);
            }),
            _ => tasks.Start(node, "qmstart", id, token, async (log, ct) =>
            {
                await Task.Delay(300, ct).ConfigureAwait(false);
                if (vms.IsRunning(vmId))
                {
                    throw new TaskFailure($"VM {vmId} already running");
                }
                await BootAsync(vmId, ct).ConfigureAwait(false);
                log($"started VM {vmId}");
            }),
        };
    }

    /// <summary>pve-ha-lrm on this node: every few seconds, bring each local HA VM to its requested state.</summary>
    public async Task RunLocalResourceManagerAsync(CancellationToken cancellationToken)
    {
        var root = new PveToken { Id = "root@pam" };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LrmInterval, cancellationToken).ConfigureAwait(false);
                List<(int VmId, string State)> local = store.Read(s => s.HaResources
                    .Select(h => (VmId: int.TryParse(h.Sid.Split(':').Last(), out int v) ? v : 0, h.State))
                    .Where(h => s.Vms.TryGetValue(h.VmId, out VmRecord? vm) && vm.Node == localNode)
                    .ToList());
                foreach ((int vmId, string state) in local)
                {
                    bool running = vms.IsRunning(vmId);
                    string id = vmId.ToString(CultureInfo.InvariantCulture);
                    if (state is "started" or "enabled" && !running)
                    {
                        string upid = tasks.Start(localNode, "qmstart", id, root, (log, ct) => BootAsync(vmId, ct));
                        await WaitAsync(upid, cancellationToken).ConfigureAwait(false);
                    }
                    else if (state is "stopped" or "disabled" && running)
                    {
                        string upid = tasks.Start(localNode, "qmstop", id, root, (log, ct) => vms.StopAsync(vmId, ct));
                        await WaitAsync(upid, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception error)
            {
                Console.Error.WriteLine($"pve-ha-lrm ({localNode}): {error.Message}");
            }
        }
    }

    /// <summary>qemu's boot: a couple of seconds, then the VM runs; NICs with link_down=1 come up with their link down.</summary>
    private async Task BootAsync(int vmId, CancellationToken ct)
    {
        await Task.Delay(2200, ct).ConfigureAwait(false);
        await vms.StartAsync(vmId, ct).ConfigureAwait(false);
        VmRecord vm = store.Update(s =>
        {
            s.Vms[vmId].StartedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            return s.Vms[vmId];
        });
        foreach ((string key, string value) in vm.Config.Where(c => c.Key.StartsWith("net", StringComparison.Ordinal) && PveApi.LinkDown(c.Value)))
        {
            await vms.SetLinkAsync(vmId, int.Parse(key[3..], CultureInfo.InvariantCulture), false, ct).ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(string upid, CancellationToken ct)
    {
        while (store.Read(s => s.Tasks.FirstOrDefault(t => t.Upid == upid)?.Status) == "running")
        {
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }
}
