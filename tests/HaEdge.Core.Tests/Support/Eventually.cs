using System.Diagnostics;
using Xunit;

namespace HaEdge.Core.Tests.Support;

/// <summary>
/// Waits for a condition instead of sleeping a fixed time: a loaded machine only makes the wait longer, never the
/// test wrong. The bound is there to turn a condition that never comes into a failure instead of a hang.
/// </summary>
internal static class Eventually
{
    /// <summary>Far beyond what anything here takes, even on a loaded CI machine.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static Task Until(Func<bool> condition, string what, TimeSpan? bound = null) => Until(condition, () => what, bound);

    /// <param name="what">Says what was awaited, read when the bound is reached (so it can show the state then).</param>
    public static async Task Until(Func<bool> condition, Func<string> what, TimeSpan? bound = null)
    {
        var limit = bound ?? Bound;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit) Assert.Fail($"Still waiting after {limit.TotalSeconds:0} s for {what()}.");
            await Task.Delay(5);
        }
    }
}

/// <summary>
/// Cancels a source when the operation reports progress that starts with a given text (for example the first
/// "Waiting for ..."), so a test stops an operation at a known step rather than after a guessed time.
/// </summary>
internal sealed class CancelOnProgress(CancellationTokenSource source, string statusPrefix) : IOperationReporter
{
    public void Verbose(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Progress(string activity, string status, int percent)
    {
        if (status.StartsWith(statusPrefix, StringComparison.Ordinal)) source.Cancel();
    }

    public void Completed(string activity)
    {
    }
}
