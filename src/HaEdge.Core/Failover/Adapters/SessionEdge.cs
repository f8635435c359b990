using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Carp;
using HaEdge.Core.Definition;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Gateways;
using HaEdge.Core.PfSense;
using HaEdge.Core.Pfsync;
using HaEdge.Core.Session;

namespace HaEdge.Core.Failover.Adapters;

/// <summary>
/// The failover engine's view of a real edge: CARP, pfsync and gateways through the pfSense services over the
/// session's pooled SSH connections, VM power and NIC links through the session's Proxmox client.
/// </summary>
internal sealed class SessionEdge : IEdgeObserver, IMaintenanceSwitch, IVmPower, IGatewaySwitch, IVmLink
{
    private static readonly Regex GatewayName = new Regex(@"\A[A-Za-z0-9_.-]{1,64}\z", RegexOptions.CultureInvariant);
    private readonly EdgeSession session;
    private readonly FirewallShell shell;
    private readonly FirewallShell pollShell;
    private readonly TimeSpan taskTimeout;
    private readonly ConcurrentDictionary<string, IReadOnlyList<GatewayStatus>> gatewaysByFirewall =
        new ConcurrentDictionary<string, IReadOnlyList<GatewayStatus>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Bound on one firewall's answer to a status poll while a scenario runs (ifconfig, sysctl, route: tens of
    /// milliseconds on pfSense). A hard-stopped firewall costs each poll this long at most, so the peer's takeover
    /// is seen within about this much of when it happens. Preflight and the restore check wait the full timeout.
    /// </summary>
    public static readonly TimeSpan PollAnswerTimeout = TimeSpan.FromSeconds(1);

    /// <param name="sshTimeout">Bound of each firewall command that changes or reads more than status.</param>
    /// <param name="taskTimeout">Bound of each Proxmox task (stop, start).</param>
    public SessionEdge(EdgeSession session, TimeSpan sshTimeout, TimeSpan taskTimeout)
    {
        this.session = session;
        shell = new FirewallShell(session, sshTimeout);
        pollShell = new FirewallShell(session, PollAnswerTimeout, PollAnswerTimeout);
        this.taskTimeout = taskTimeout;
    }

    public Task<CarpSnapshot> ReadCarpAsync(CancellationToken cancellationToken) => ReadCarpAsync(pollShell, cancellationToken);

    private static async Task<CarpSnapshot> ReadCarpAsync(FirewallShell through, CancellationToken cancellationToken)
    {
        var report = await new CarpStatusService(through).ReadAsync(cancellationToken).ConfigureAwait(false);
        return new CarpSnapshot
        {
            Firewalls = report.Nodes.Select(n => new FirewallCarpView
            {
                Firewall = n.Firewall,
                Reachable = n.Reachable,
                Error = n.Failure?.Message,
                Vips = n.Vips.Select(v => new VipView { Vip = CarpPairAnalyzer.NameOf(v), State = v.State, Maintenance = v.AdvSkew == CarpPairAnalyzer.MaintenanceSkew })
                    .ToList(),
            }).ToList(),
        };
    }

    public async Task<PreflightSnapshot> ReadPreflightAsync(CancellationToken cancellationToken)
    {
        var carp = ReadCarpAsync(shell, cancellationToken);
        var pfsync = new PfsyncService(shell).ReadAsync(cancellationToken);
        var gateways = new GatewayService(shell).ReadAsync(cancellationToken);
        var vms = ReadVmsAsync(cancellationToken);
        var defaultGateways = Task.WhenAll(session.Definition.Firewalls.Select(f => ReadDefaultGatewayAsync(f, cancellationToken)));
        await Task.WhenAll(carp, pfsync, gateways, vms, defaultGateways).ConfigureAwait(false);

        var (pfsyncNodes, pfsyncFailures) = pfsync.Result;
        var (gatewayRows, gatewayFailures) = gateways.Result;
        return new PreflightSnapshot
        {
            Carp = carp.Result,
            PfsyncInSync = pfsyncFailures.Count > 0 ? (bool?)null : pfsyncNodes.All(n => n.Verdict == PfsyncVerdict.InSync),
            PfsyncReasons = pfsyncNodes.FirstOrDefault()?.Reasons ?? Array.Empty<string>(),
            Gateways = gatewayRows.Select(g => new GatewayView { Firewall = g.Firewall, Name = g.Name, Health = g.Health, Status = g.Status }).ToList(),
            GatewayFailures = gatewayFailures.Select(f => $"{f.Target}: {f.Message}").ToList(),
            Vms = vms.Result.Vms,
            VmFailure = vms.Result.Failure,
            DefaultGateways = defaultGateways.Result,
        };
    }

    /// <summary>"Default gateway IPv4" and whether it names one of the gateway groups.</summary>
    private async Task<DefaultGatewayView> ReadDefaultGatewayAsync(FirewallDefinition firewall, CancellationToken cancellationToken)
    {
        try
        {
            return await shell.RunBatchAsync(firewall, new[] { PfSenseCommands.DefaultGatewaySetting, PfSenseCommands.GatewayGroupsJson }, s =>
            {
                var setting = s[0].Trim();
                var isGroup = GatewayGroupParser.Parse(s[1]).Any(g => string.Equals(g.Name, setting, StringComparison.Ordinal));
                return new DefaultGatewayView { Firewall = firewall.Name, Setting = setting, IsGroup = isGroup };
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException e)
        {
            return new DefaultGatewayView { Firewall = firewall.Name, Error = e.Message };
        }
    }

    public async Task<long?> ReadStateCountAsync(string firewall, CancellationToken cancellationToken)
    {
        var info = await shell.RunBatchAsync(Firewall(firewall), new[] { PfSenseCommands.PfctlInfo }, s => PfctlInfoParser.Parse(s[0]), cancellationToken)
            .ConfigureAwait(false);
        return info.StateEntries;
    }

    /// <summary>
    /// The default route's gateway name. The gateway list (names, source and monitor addresses) is read once per
    /// firewall; each poll after that costs only <c>route -n get default</c> and <c>ifconfig</c>.
    /// </summary>
    public async Task<string?> ReadDefaultGatewayAsync(string firewall, CancellationToken cancellationToken)
    {
        var definition = Firewall(firewall);
        if (!gatewaysByFirewall.TryGetValue(definition.Name, out var known))
        {
            known = await shell.RunBatchAsync(definition, new[] { PfSenseCommands.GatewayStatusJson }, s => GatewayStatusParser.Parse(s[0]), cancellationToken)
                .ConfigureAwait(false);
            gatewaysByFirewall[definition.Name] = known;
        }

        var reading = await pollShell.RunBatchAsync(definition, new[] { PfSenseCommands.DefaultRoute + " 2>/dev/null || true", PfSenseCommands.Ifconfig },
            s => new GatewayNodeReading(known, Array.Empty<GatewayGroup>(), s[0].Trim().Length == 0 ? null : RouteGetParser.Parse(s[0]), IfconfigParser.Parse(s[1])),
            cancellationToken).ConfigureAwait(false);
        return GatewayService.Describe(definition, reading).FirstOrDefault(g => g.DefaultRoute)?.Name
            ?? reading.DefaultRoute?.Gateway;
    }

    public async Task SetMaintenanceAsync(string firewall, bool enable, CancellationToken cancellationToken)
    {
        // The runner watches the handover itself (and times it), so the service does not wait.
        await new CarpMaintenanceService(shell).SetAsync(Firewall(firewall), enable, wait: false, shell.Timeout, SilentReporter.Instance, cancellationToken)
            .ConfigureAwait(false);
    }

    public string Describe(string firewall)
    {
        var definition = Firewall(firewall);
        return $"VM {definition.VmId} ({definition.Name}) on {definition.Node}";
    }

    public async Task StopAsync(string firewall, CancellationToken cancellationToken)
    {
        var (definition, node) = await LocateAsync(firewall, cancellationToken).ConfigureAwait(false);
        var task = await session.Proxmox.StopVmAsync(node, definition.VmId, cancellationToken).ConfigureAwait(false);
        await session.Proxmox.WaitForTaskAsync(task, taskTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task StartAsync(string firewall, CancellationToken cancellationToken)
    {
        var (definition, node) = await LocateAsync(firewall, cancellationToken).ConfigureAwait(false);
        var task = await session.Proxmox.StartVmAsync(node, definition.VmId, cancellationToken).ConfigureAwait(false);
        await session.Proxmox.WaitForTaskAsync(task, taskTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> IsRunningAsync(string firewall, CancellationToken cancellationToken)
    {
        var (definition, node) = await LocateAsync(firewall, cancellationToken).ConfigureAwait(false);
        var status = await session.Proxmox.GetVmStatusAsync(node, definition.VmId, cancellationToken).ConfigureAwait(false);
        return status.Status == "running";
    }

    /// <summary>
    /// pfSense's "Mark Gateway as Down": sets or clears <c>force_down</c> on the gateway item, writes the config and
    /// applies it as system_gateways.php's Apply does (routing, gateway monitor, filter reload).
    /// </summary>
    public async Task SetForceDownAsync(string firewall, string gateway, bool down, CancellationToken cancellationToken)
    {
        var definition = Firewall(firewall);
        var command = ForceDownCommand(gateway, down);
        var result = await shell.RunAsync(definition, command, cancellationToken).ConfigureAwait(false);
        var said = UntrustedText.ForMessage(result.Output + "\n" + result.Error);
        if (result.ExitStatus != 0 || said.IndexOf("Error", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            throw new HaEdgeException("GatewayForceDownFailed", FailureKind.InvalidOperation,
                $"{definition.Name}: marking gateway {gateway} {(down ? "down" : "up")} failed (exit status {result.ExitStatus}){(said.Length > 0 ? ": " + said : "")}", definition.Name);
        }
    }

    public string Describe(string firewall, int net) => $"net{net} of {Describe(firewall)}";

    public async Task SetLinkDownAsync(string firewall, int net, bool down, CancellationToken cancellationToken)
    {
        var (definition, node) = await LocateAsync(firewall, cancellationToken).ConfigureAwait(false);
        var config = await session.Proxmox.GetVmConfigAsync(node, definition.VmId, cancellationToken).ConfigureAwait(false);
        var nic = config.NetDevices.FirstOrDefault(d => d.Index == net)
            ?? throw new HaEdgeException("FailoverNicNotFound", FailureKind.ObjectNotFound, $"VM {definition.VmId} ({definition.Name}) has no net{net}.", definition.Name);
        if (nic.LinkDown == down) return;
        // The digest makes Proxmox refuse the write if the config changed since it was read.
        await session.Proxmox.SetNetDeviceAsync(node, definition.VmId, nic.WithLinkDown(down), config.Digest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The php one-liner for <see cref="SetForceDownAsync"/> (pfSense 2.7+: config_get_path/config_set_path). It
    /// writes with write_config($desc, false, true): no backup revision and no XMLRPC sync to the peer (config.lib.inc),
    /// so a pull and its restore cost no config history and no sync; the module marks each firewall itself.
    /// </summary>
    internal static string ForceDownCommand(string gateway, bool down)
    {
        if (!GatewayName.IsMatch(gateway))
        {
            throw new HaEdgeException("GatewayNameInvalid", FailureKind.InvalidArgument, $"'{gateway}' is not a pfSense gateway name.", gateway);
        }

        var change = down ? "$items[$i][\"force_down\"] = true;" : "unset($items[$i][\"force_down\"]);";
        return "php -r '"
            + "require_once(\"config.inc\"); require_once(\"gwlb.inc\"); require_once(\"system.inc\"); require_once(\"filter.inc\");"
            + " $items = config_get_path(\"gateways/gateway_item\", []); $found = false;"
            + $" foreach ($items as $i => $gw) {{ if ($gw[\"name\"] === \"{gateway}\") {{ {change} $found = true; }} }}"
            + $" if (!$found) {{ echo \"Error: no gateway {gateway}\\n\"; exit(1); }}"
            + " config_set_path(\"gateways/gateway_item\", $items);"
            + $" write_config(\"HaEdge Test-HaFailover: gateway {gateway} {(down ? "marked down" : "marked up")}\", false, true);"
            + " system_routing_configure(); setup_gateways_monitor(); send_event(\"filter reload\");'";
    }

    private FirewallDefinition Firewall(string name) => session.Firewall(name);

    /// <summary>The VM's definition and the node it runs on now (it may have moved since the definition was written).</summary>
    private async Task<(FirewallDefinition Definition, string Node)> LocateAsync(string firewall, CancellationToken cancellationToken)
    {
        var definition = Firewall(firewall);
        var vms = await session.Proxmox.GetVmsAsync(cancellationToken).ConfigureAwait(false);
        var vm = vms.FirstOrDefault(v => v.VmId == definition.VmId);
        return (definition, vm?.Node is { Length: > 0 } node ? node : definition.Node);
    }

    private async Task<(IReadOnlyList<VmView> Vms, string? Failure)> ReadVmsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var vms = await session.Proxmox.GetVmsAsync(cancellationToken).ConfigureAwait(false);
            return (session.Definition.Firewalls.Select(f =>
            {
                var vm = vms.FirstOrDefault(v => v.VmId == f.VmId);
                return new VmView { Firewall = f.Name, VmId = f.VmId, Node = vm?.Node ?? "", Running = vm?.Status == "running" };
            }).ToList(), null);
        }
        catch (HaEdgeException e)
        {
            return (Array.Empty<VmView>(), e.Message);
        }
    }
}
