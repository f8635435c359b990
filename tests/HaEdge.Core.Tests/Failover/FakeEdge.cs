using HaEdge.Core.Carp;
using HaEdge.Core.Failover;
using HaEdge.Core.Failover.Faults;
using HaEdge.Core.Failover.Probes;
using HaEdge.Core.Gateways;


namespace HaEdge.Core.Tests.Failover;

/// <summary>Virtual time: Delay moves the clock at once, so a 3-minute scenario runs in milliseconds.</summary>
internal sealed class VirtualClock : IFailoverClock
{
    private readonly object gate = new();
    private TimeSpan now;

    public TimeSpan Elapsed
    {
        get
        {
            lock (gate) return now;
        }
    }

    public DateTimeOffset StartedAt { get; } = new DateTimeOffset(2026, 11, 26, 4, 0, 0, TimeSpan.Zero);

    /// <summary>Cancel this source once the clock passes the given time (Ctrl+C in the middle of a phase).</summary>
    public (TimeSpan At, CancellationTokenSource Source)? CancelAt { get; set; }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate) now += delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(1);
        if (CancelAt is { } cancel && Elapsed >= cancel.At) cancel.Source.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A pfSense pair in virtual time: fw1 (primary, VM 101 on pve1) and fw2 (secondary, VM 102 on pve2), two VIPs.
/// fw2 takes over <see cref="ElectionDelay"/> after fw1 stops advertising; fw1 preempts as soon as it is back.
/// Traffic is lost while no node is MASTER and for <see cref="PreemptGlitch"/> after fw1 takes the VIPs back.
/// </summary>
internal sealed class FakeEdge : IEdgeObserver, IVmPower, IMaintenanceSwitch, IGatewaySwitch, IVmLink
{
    public static readonly string[] VipNames = { "vhid 1 on vtnet1", "vhid 2 on vtnet0" };

    private readonly VirtualClock clock;

    public FakeEdge(VirtualClock clock)
    {
        this.clock = clock;
    }

    public TimeSpan ElectionDelay { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan MaintenanceDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan BootTime { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan PreemptGlitch { get; set; } = TimeSpan.FromMilliseconds(400);

    public TimeSpan RouteDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Both firewalls' "Default gateway IPv4": the gateway group unless a test fixes it to a gateway.</summary>
    public string DefaultGatewaySetting { get; set; } = "WAN_GROUP";

    /// <summary>How much longer than fw1's fw2's gateway monitor takes to see the fibre up again after a force-down.</summary>
    public TimeSpan Fw2GatewayLag { get; set; }

    /// <summary>The sync link is cut: states do not reach fw2, so the session dies at the cutover.</summary>
    public bool SyncCut { get; set; }

    public bool PfsyncInSync { get; set; } = true;

    public string Fw2Node { get; set; } = "pve2";

    public bool Fw1Running { get; private set; } = true;

    public bool Fw1Maintenance { get; private set; }

    public bool Fw1LinkDown { get; private set; }

    public bool GatewayForcedDown { get; private set; }

    /// <summary>Thrown by the next Stop/Start/SetMaintenance call (an API or SSH error).</summary>
    public Exception? FailStop { get; set; }

    public Exception? FailStart { get; set; }

    public Exception? FailMaintenanceOff { get; set; }

    public List<string> Calls { get; } = new();

    /// <summary>When fw1 stopped advertising (stop, maintenance, cable), and when it advertises again.</summary>
    private TimeSpan? fw1LostAt;
    private TimeSpan? fw1BackAt;
    private TimeSpan takeoverDelay;
    private TimeSpan? forcedDownAt;
    private TimeSpan? forceClearedAt;
    private TimeSpan? bootUntil;

    public TimeSpan? Fw1LostAt => fw1LostAt;

    public TimeSpan? Fw2MasterAt => fw1LostAt + takeoverDelay;

    public TimeSpan? Fw1BackAt => fw1BackAt;

    /// <summary>Whether a packet through the VIP gets through at <paramref name="t"/>.</summary>
    public bool Up(TimeSpan t)
    {
        if (fw1LostAt is { } lost && t >= lost && t < lost + takeoverDelay) return false;
        if (fw1BackAt is { } back && t >= back && t < back + PreemptGlitch) return false;
        return true;
    }

    /// <summary>Whether the TCP session's packets get through at <paramref name="t"/>: with sync cut, never again once fw2 forwards.</summary>
    public bool SessionUp(TimeSpan t)
    {
        if (SyncCut && fw1LostAt is { } lost && t >= lost) return false;
        return Up(t);
    }

    private bool Fw1Advertising(TimeSpan t) => fw1LostAt == null || t < fw1LostAt || (fw1BackAt is { } back && t >= back);

    private bool Fw1Reachable(TimeSpan t) => Fw1Running && (bootUntil == null || t >= bootUntil);

    /// <summary>How long a read waits on a firewall that does not answer (the real poll's answer timeout); zero by default.</summary>
    public TimeSpan UnansweredReadTime { get; set; }

    public async Task<CarpSnapshot> ReadCarpAsync(CancellationToken cancellationToken)
    {
        var t = clock.Elapsed;
        var fw1Master = Fw1Advertising(t);
        var fw2Master = !fw1Master && fw1LostAt is { } lost && t >= lost + takeoverDelay;
        var fw1Reachable = Fw1Reachable(t);
        if (!fw1Reachable && UnansweredReadTime > TimeSpan.Zero) await clock.Delay(UnansweredReadTime, cancellationToken);
        return new CarpSnapshot
        {
            Firewalls = new[]
            {
                new FirewallCarpView
                {
                    Firewall = "fw1", Reachable = fw1Reachable, Error = fw1Reachable ? null : "connection refused",
                    Vips = fw1Reachable ? Vips(fw1Master ? CarpState.Master : CarpState.Backup, Fw1Maintenance) : Array.Empty<VipView>(),
                },
                new FirewallCarpView { Firewall = "fw2", Reachable = true, Vips = Vips(fw2Master ? CarpState.Master : CarpState.Backup, false) },
            },
        };
    }

    public async Task<PreflightSnapshot> ReadPreflightAsync(CancellationToken cancellationToken) => new PreflightSnapshot
    {
        Carp = await ReadCarpAsync(cancellationToken),
        PfsyncInSync = PfsyncInSync,
        PfsyncReasons = PfsyncInSync ? Array.Empty<string>() : new[] { "fw2: the pfsync bulk update has not completed (syncok: 0)." },
        Gateways = new[] { "fw1", "fw2" }.SelectMany(f => new[]
        {
            FibreDown(f, clock.Elapsed)
                ? new GatewayView { Firewall = f, Name = "WAN_FIBRE", Health = GatewayHealth.Down, Status = GatewayForcedDown ? "force_down" : "down" }
                : new GatewayView { Firewall = f, Name = "WAN_FIBRE", Health = GatewayHealth.Online, Status = "online" },
            new GatewayView { Firewall = f, Name = "WAN_STARLINK", Health = GatewayHealth.Online, Status = "online" },
        }).ToList(),
        Vms = new[]
        {
            new VmView { Firewall = "fw1", VmId = 101, Node = "pve1", Running = Fw1Running },
            new VmView { Firewall = "fw2", VmId = 102, Node = Fw2Node, Running = true },
        },
        DefaultGateways = new[] { "fw1", "fw2" }.Select(f => new DefaultGatewayView { Firewall = f, Setting = DefaultGatewaySetting, IsGroup = DefaultGatewaySetting == "WAN_GROUP" }).ToList(),
    };

    public Task<long?> ReadStateCountAsync(string firewall, CancellationToken cancellationToken) =>
        Task.FromResult<long?>(firewall == "fw1" ? 120 : SyncCut ? 3 : 118);

    public Task<string?> ReadDefaultGatewayAsync(string firewall, CancellationToken cancellationToken)
    {
        var t = clock.Elapsed;
        var down = forcedDownAt is { } at && t >= at + RouteDelay && FibreDown(firewall, t);
        return Task.FromResult<string?>(down ? "WAN_STARLINK" : "WAN_FIBRE");
    }

    /// <summary>Whether <paramref name="firewall"/>'s monitor reports the fibre down: from the force-down until RouteDelay
    /// after it is cleared (fw2's monitor <see cref="Fw2GatewayLag"/> later), as a gateway monitor needs good probes first.</summary>
    private bool FibreDown(string firewall, TimeSpan t) =>
        forcedDownAt is { } at && t >= at && (forceClearedAt == null || t < forceClearedAt + RouteDelay + (firewall == "fw2" ? Fw2GatewayLag : TimeSpan.Zero));

    public string Describe(string firewall) => firewall == "fw1" ? "VM 101 (fw1) on pve1" : "VM 102 (fw2) on pve2";

    public Task StopAsync(string firewall, CancellationToken cancellationToken)
    {
        Calls.Add("stop " + firewall);
        if (FailStop != null) throw FailStop;
        Fw1Running = false;
        Lose(ElectionDelay);
        return Task.CompletedTask;
    }

    public Task StartAsync(string firewall, CancellationToken cancellationToken)
    {
        Calls.Add("start " + firewall);
        if (FailStart != null) throw FailStart;
        Fw1Running = true;
        bootUntil = fw1BackAt = clock.Elapsed + BootTime;
        return Task.CompletedTask;
    }

    public Task<bool> IsRunningAsync(string firewall, CancellationToken cancellationToken)
    {
        Calls.Add("running? " + firewall);
        return Task.FromResult(firewall != "fw1" || Fw1Running);
    }

    public Task SetMaintenanceAsync(string firewall, bool enable, CancellationToken cancellationToken)
    {
        Calls.Add($"maintenance {firewall} {(enable ? "on" : "off")}");
        if (!enable && FailMaintenanceOff != null) throw FailMaintenanceOff;
        Fw1Maintenance = enable;
        if (enable) Lose(MaintenanceDelay);
        else if (fw1LostAt != null) fw1BackAt = clock.Elapsed;
        return Task.CompletedTask;
    }

    public Task SetForceDownAsync(string firewall, string gateway, bool down, CancellationToken cancellationToken)
    {
        Calls.Add($"forcedown {firewall} {gateway} {down}");
        // The php one-liner goes over SSH: a stopped or still booting fw1 refuses the connection.
        if (firewall == "fw1" && !Fw1Reachable(clock.Elapsed))
            throw new HaEdgeException("SshUnreachable", FailureKind.ConnectionError, "fw1 (192.0.2.2:22) is unreachable over SSH: connection refused", "fw1");
        if (down && GatewayForcedDown != down) (forcedDownAt, forceClearedAt) = (clock.Elapsed, null);
        else if (!down && forceClearedAt == null) forceClearedAt = clock.Elapsed;
        GatewayForcedDown = down;
        return Task.CompletedTask;
    }

    public string Describe(string firewall, int net) => $"net{net} of {Describe(firewall)}";

    public Task SetLinkDownAsync(string firewall, int net, bool down, CancellationToken cancellationToken)
    {
        Calls.Add($"link {firewall} net{net} {(down ? "down" : "up")}");
        Fw1LinkDown = down;
        if (down) Lose(ElectionDelay);
        else fw1BackAt = clock.Elapsed;
        return Task.CompletedTask;
    }

    public FailoverEnvironment Environment(bool withTcp = true, WanPullMethod wan = WanPullMethod.GatewayForceDown)
    {
        IWanPull pull = wan switch
        {
            WanPullMethod.LinkDown => new LinkDownPull(this, 1),
            WanPullMethod.UserAction => new UserActionPull(
                ct => SetForceDownAsync("fw1", "WAN_FIBRE", true, ct), ct => SetForceDownAsync("fw1", "WAN_FIBRE", false, ct), "power off the fibre ONT"),
            _ => new GatewayForceDownPull(this, new[] { "fw1", "fw2" }, null),
        };
        var faults = new Dictionary<FailoverScenario, IFaultInjector>
        {
            [FailoverScenario.Maintenance] = new MaintenanceFault(this),
            [FailoverScenario.HardStop] = new HardStopFault(this),
            [FailoverScenario.WanPull] = new WanPullFault(pull),
        };
        return new FailoverEnvironment(this, faults, () => Probes(withTcp), "fw1", "fw2");
    }

    private IReadOnlyList<IProbe> Probes(bool withTcp)
    {
        var probes = new List<IProbe> { new ScriptedProbe("Ping", ProbeKind.Ping, "203.0.113.9", clock, Up) };
        if (withTcp) probes.Add(new ScriptedProbe("TcpSession", ProbeKind.TcpSession, "203.0.113.9:7", clock, SessionUp, TimeSpan.FromSeconds(20)));
        return probes;
    }

    private void Lose(TimeSpan delay)
    {
        if (fw1LostAt != null && fw1BackAt == null) return;
        fw1LostAt = clock.Elapsed;
        fw1BackAt = null;
        takeoverDelay = delay;
    }

    private static IReadOnlyList<VipView> Vips(CarpState state, bool maintenance) =>
        VipNames.Select(v => new VipView { Vip = v, State = state, Maintenance = maintenance }).ToList();
}

/// <summary>
/// A probe whose answers follow a function of virtual time: one sample per interval from its creation to "now".
/// A session probe breaks after <c>sessionTimeout</c> without an answer and records nothing after that.
/// </summary>
internal sealed class ScriptedProbe : IProbe
{
    private readonly VirtualClock clock;
    private readonly Func<TimeSpan, bool> up;
    private readonly TimeSpan? sessionTimeout;
    private readonly TimeSpan createdAt;

    public ScriptedProbe(string name, ProbeKind kind, string target, VirtualClock clock, Func<TimeSpan, bool> up, TimeSpan? sessionTimeout = null)
    {
        Name = name;
        Kind = kind;
        Target = target;
        this.clock = clock;
        this.up = up;
        this.sessionTimeout = sessionTimeout;
        createdAt = clock.Elapsed;
    }

    public string Name { get; }

    public ProbeKind Kind { get; }

    public string Target { get; }

    public TimeSpan Interval { get; } = TimeSpan.FromMilliseconds(200);

    public async Task RunAsync(IFailoverClock clock, CancellationToken stop)
    {
        var stopped = new TaskCompletionSource();
        using var registration = stop.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }

    public ProbeRecording Snapshot()
    {
        var samples = new List<ProbeSample>();
        TimeSpan? brokeAt = null;
        TimeSpan? lastGood = null;
        for (var t = createdAt; t <= clock.Elapsed; t += Interval)
        {
            var ok = up(t);
            if (ok) lastGood = t;
            if (sessionTimeout is { } timeout && !ok && lastGood is { } good && t - good > timeout)
            {
                brokeAt = t;
                break;
            }

            samples.Add(new ProbeSample { Probe = Name, Kind = Kind, SentAt = t, Outcome = ok ? ProbeOutcome.Reply : ProbeOutcome.Lost, Rtt = ok ? TimeSpan.FromMilliseconds(1.5) : null });
        }

        return new ProbeRecording(samples, brokeAt, brokeAt.HasValue ? "no echo for 20 s" : null);
    }
}

/// <summary>Collects what Core reports, as the cmdlet's queue would.</summary>
internal sealed class RecordingReporter : IOperationReporter
{
    public List<string> Lines { get; } = new();

    public List<string> Completed { get; } = new();

    public void Verbose(string message)
    {
        lock (Lines) Lines.Add("VERBOSE " + message);
    }

    public void Warning(string message)
    {
        lock (Lines) Lines.Add("WARNING " + message);
    }

    public void Progress(string activity, string status, int percent)
    {
        lock (Lines) Lines.Add($"PROGRESS {activity} | {status} | {percent}");
    }

    void IOperationReporter.Completed(string activity)
    {
        lock (Lines) Completed.Add(activity);
    }
}
