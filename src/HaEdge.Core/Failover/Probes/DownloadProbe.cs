using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Failover.Probes;

/// <summary>
/// A long HTTP download: one sample per interval with the bytes per second received in it (a stalled interval is
/// Lost). A failed or finished download starts over, so the probe keeps measuring until it is stopped.
/// </summary>
internal sealed class DownloadProbe : IProbe
{
    private readonly ProbeOptions options;
    private readonly SampleLog log = new SampleLog();
    private long received;

    public DownloadProbe(Uri url, ProbeOptions options, string name = "Download")
    {
        Url = url;
        this.options = options;
        Name = name;
    }

    public Uri Url { get; }

    public string Name { get; }

    public ProbeKind Kind => ProbeKind.Download;

    public string Target => Url.ToString();

    public TimeSpan Interval => options.Interval;

    public async Task RunAsync(IFailoverClock clock, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var downloads = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var download = DownloadLoopAsync(http, downloads.Token);
        var start = clock.Elapsed;
        var next = start + options.Interval;
        var last = 0L;
        for (var n = 0; n < options.MaxSamples && clock.Elapsed - start < options.MaxDuration; n++)
        {
            try
            {
                await clock.Delay(next - clock.Elapsed, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var total = Interlocked.Read(ref received);
            var bytes = total - last;
            last = total;
            log.Add(new ProbeSample
            {
                Probe = Name,
                Kind = ProbeKind.Download,
                SentAt = clock.Elapsed,
                Outcome = bytes > 0 ? ProbeOutcome.Reply : ProbeOutcome.Lost,
                BytesPerSecond = bytes / options.Interval.TotalSeconds,
            });
            next += options.Interval;
            if (clock.Elapsed - next > options.Interval) next = clock.Elapsed;
        }

        downloads.Cancel();
        await download.ConfigureAwait(false);
    }

    public ProbeRecording Snapshot() => new ProbeRecording(log.Ordered());

    private async Task DownloadLoopAsync(HttpClient http, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead, stop).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                int read;
                while ((read = await body.ReadAsync(buffer, 0, buffer.Length, stop).ConfigureAwait(false)) > 0)
                {
                    Interlocked.Add(ref received, read);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException || e is IOException || e is OperationCanceledException)
            {
                // The stall shows in the samples; try again after one interval.
                try
                {
                    await Task.Delay(options.Interval, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
