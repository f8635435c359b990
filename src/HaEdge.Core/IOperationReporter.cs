namespace HaEdge.Core;

/// <summary>
/// How Core narrates long work. The cmdlets queue these and replay them on the pipeline thread, so Core never
/// touches PowerShell and never writes from a network callback.
/// </summary>
internal interface IOperationReporter
{
    void Verbose(string message);

    void Warning(string message);

    /// <param name="activity">The long operation, e.g. "Test-HaFailover HardStop".</param>
    /// <param name="status">What is happening now.</param>
    /// <param name="percent">0..100, or -1 when unknown.</param>
    void Progress(string activity, string status, int percent);

    /// <summary>The activity is over; its progress bar goes away.</summary>
    void Completed(string activity);
}

/// <summary>A reporter that drops everything, for callers with no one to tell.</summary>
internal sealed class SilentReporter : IOperationReporter
{
    public static readonly SilentReporter Instance = new SilentReporter();

    public void Verbose(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Progress(string activity, string status, int percent)
    {
    }

    public void Completed(string activity)
    {
    }
}
