using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.PfSense;

namespace HaEdge.Core.Watch;

/// <summary>How Watch-HaEdge watches.</summary>
internal sealed record WatchOptions
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the gateway groups and the config drift (XML-RPC, whole configs) are read.</summary>
    public TimeSpan SlowInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Stop after this long; null: until stopped.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>No <see cref="HaEdgeEventKind.Started"/> event.</summary>
    public bool SkipInitial { get; init; }

    public WatchThresholds Thresholds { get; init; } = new WatchThresholds();
}

/// <summary>
/// Watch-HaEdge's loop: reads the edge every interval and hands each change to the caller as it is seen. Each
/// firewall and Proxmox are read on their own: one whose answer takes longer than the interval (a hard-stopped VM
/// until its read times out) is left to finish while the others are read again, so its peer's takeover is seen on
/// time. A source that fails is an event, never the end of the watch.
/// </summary>
internal sealed class EdgeWatcher
{
    private readonly EdgeReader reader;
    private readonly WatchOptions options;
    private volatile EdgeReading? latest;

    public EdgeWatcher(EdgeReader reader, WatchOptions options)
    {
        this.reader = reader;
        this.options = options;
    }

    /// <summary>The last reading (what the metrics endpoint serves); null before the first.</summary>
    public EdgeReading? Latest => latest;

    /// <summary>Runs until the duration is reached, <paramref name="emit"/> asks to stop, or <paramref name="cancellationToken"/> ends it (then it throws).</summary>
    /// <param name="emit">Called with each event in order, awaited before the next; false to stop (a count reached).</param>
    public async Task RunAsync(Func<HaEdgeEvent, Task<bool>> emit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        async Task<bool> EmitAndCheckDone(HaEdgeEvent e) => !await emit(e).ConfigureAwait(false);

        await reader.ReadSlowAsync(cancellationToken).ConfigureAwait(false);
        // The first reading waits for every answer: the starting picture is whole.
        var firstStarted = clock.Elapsed;
        var (lastAnswers, firstProxmox) = await reader.ReadAnswersAsync(cancellationToken).ConfigureAwait(false);
        ProxmoxRead? lastProxmox = firstProxmox;
        var first = reader.Combine(lastAnswers, lastProxmox, clock.Elapsed - firstStarted);
        latest = first;
        var (started, known) = EdgeChanges.Start(first);
        var firewalls = reader.Firewalls;
        if (!options.SkipInitial && await EmitAndCheckDone(started).ConfigureAwait(false)) return;

        var firewallReads = new Task<FirewallAnswer<FirewallRead>>?[firewalls.Count];
        Task<ProxmoxRead>? proxmoxRead = null;
        Task? slowRead = null;
        var slowAt = clock.Elapsed + options.SlowInterval;
        var tick = clock.Elapsed;
        while (true)
        {
            // A tick missed because answers were slow is not made up for.
            tick = Max(tick + options.Interval, clock.Elapsed);
            var end = options.Duration;
            if (end != null && tick >= end.Value)
            {
                await DelayUntil(clock, end.Value, cancellationToken).ConfigureAwait(false);
                return;
            }

            await DelayUntil(clock, tick, cancellationToken).ConfigureAwait(false);
            if (slowRead?.IsCompleted == true)
            {
                await slowRead.ConfigureAwait(false); // surfaces a bug; the slow read itself never fails
                slowRead = null;
            }

            if (slowRead == null && clock.Elapsed >= slowAt)
            {
                slowRead = reader.ReadSlowAsync(cancellationToken);
                slowAt = clock.Elapsed + options.SlowInterval;
            }

            for (var i = 0; i < firewalls.Count; i++)
            {
                firewallReads[i] ??= reader.ReadFirewallAsync(firewalls[i], cancellationToken);
            }

            proxmoxRead ??= reader.ReadProxmoxAsync(cancellationToken);
            var readStarted = clock.Elapsed;
            await WithinAsync(firewallReads.Cast<Task>().Append(proxmoxRead), options.Interval, cancellationToken).ConfigureAwait(false);

            var answers = firewallReads.Select(r => r!.IsCompleted ? r.Result : null).ToList();
            var proxmox = proxmoxRead.IsCompleted ? proxmoxRead.Result : null;
            for (var i = 0; i < firewalls.Count; i++)
            {
                if (firewallReads[i]!.IsCompleted) firewallReads[i] = null;
                lastAnswers[i] = answers[i] ?? lastAnswers[i];
            }

            if (proxmoxRead.IsCompleted) proxmoxRead = null;
            lastProxmox = proxmox ?? lastProxmox;
            var elapsed = clock.Elapsed - readStarted;
            var reading = reader.Combine(answers, proxmox, elapsed);
            // The metrics show each source's last answer: one still on its way is no news, not a firewall gone.
            latest = answers.All(a => a != null) && proxmox != null ? reading : reader.Combine(lastAnswers, lastProxmox, elapsed);
            var (events, next) = EdgeChanges.Advance(known, reading, options.Thresholds);
            known = next;
            foreach (var e in events)
            {
                if (await EmitAndCheckDone(e).ConfigureAwait(false)) return;
            }
        }
    }

    /// <summary>Waits until every task is done or <paramref name="bound"/> has passed, whichever is first.</summary>
    private static async Task WithinAsync(IEnumerable<Task> tasks, TimeSpan bound, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var all = Task.WhenAll(tasks);
        await Task.WhenAny(all, Task.Delay(bound, timer.Token)).ConfigureAwait(false);
        timer.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static Task DelayUntil(Stopwatch clock, TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - clock.Elapsed;
        return wait > TimeSpan.Zero ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
