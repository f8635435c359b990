using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;

namespace HaEdge.Commands;

/// <summary>
/// What every HaEdge cmdlet shares: Ctrl+C cancels the work, async Core calls run off the pipeline thread while
/// their progress, verbose and warning messages are replayed on it, and Core failures become PowerShell errors
/// with a stable id, a category and a target.
/// </summary>
public abstract class HaEdgeCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
    private readonly BlockingCollection<Action> pipelineActions = new BlockingCollection<Action>();
    private IOperationReporter? reporter;

    protected CancellationToken CancelToken => cancellation.Token;

    /// <summary>Core's narration for this cmdlet, replayed on the pipeline thread while Run or Await waits.</summary>
    private protected IOperationReporter Reporter => reporter ??= new QueuedReporter(this);

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose()
    {
        cancellation.Dispose();
        pipelineActions.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Runs async Core work and waits for it on the pipeline thread, replaying what the work reported meanwhile.
    /// A <see cref="HaEdgeException"/> becomes a terminating error; Ctrl+C stops the pipeline.
    /// </summary>
    private protected T Run<T>(Func<IOperationReporter, CancellationToken, Task<T>> work)
    {
        try
        {
            return Await(work);
        }
        catch (HaEdgeException e)
        {
            ThrowTerminatingError(ErrorFrom(e));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    /// <summary>As <see cref="Run{T}"/>, but a <see cref="HaEdgeException"/> reaches the caller, e.g. to report one target and go on.</summary>
    private protected T Await<T>(Func<IOperationReporter, CancellationToken, Task<T>> work)
    {
        Task<T> task = Task.Run(() => work(Reporter, CancelToken), CancelToken);
        // The work's end queues one empty action, so the wait below wakes the moment it is done (Ctrl+C ends the
        // work, so it too wakes it); the bounded take is a backstop, so the pipeline thread never blocks on a wake-up
        // that cannot come. A long one: a watch waits here for hours, and each wake-up costs CPU. The loop watches
        // the work itself, not the wake-up's task: that one completes only after its action woke the wait, and a
        // wait that checked it then would sleep a whole backstop (30ad286 did: Compare-PfConfig 14 -> 244 ms).
        _ = task.ContinueWith(_ => pipelineActions.Add(() => { }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!task.IsCompleted)
        {
            if (pipelineActions.TryTake(out Action? action, 1000))
            {
                RunQueued(action);
            }
        }

        while (pipelineActions.TryTake(out Action? action))
        {
            RunQueued(action);
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (HaEdgeException e) when (Stopping)
        {
            // After Ctrl+C PowerShell takes no error record: what the clean-up could not undo goes to the host.
            Host.UI.WriteErrorLine($"{e.Message} [{e.ErrorId}]");
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Runs one queued action. After Ctrl+C PowerShell refuses Write*: the narration is dropped, and the wait goes
    /// on until the work ends, so its clean-up (a fault undone, maintenance left) is never abandoned half way.
    /// </summary>
    private void RunQueued(Action action)
    {
        try
        {
            action();
        }
        catch (PipelineStoppedException) when (Stopping)
        {
        }
    }

    private protected void Run(Func<IOperationReporter, CancellationToken, Task> work) =>
        Run<bool>(async (reporter, token) =>
        {
            await work(reporter, token).ConfigureAwait(false);
            return true;
        });

    /// <summary>Calls synchronous Core code; a <see cref="HaEdgeException"/> becomes a terminating error.</summary>
    protected T Check<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (HaEdgeException e)
        {
            ThrowTerminatingError(ErrorFrom(e));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the pipeline thread (while <see cref="Run{T}"/> or <see cref="Await{T}"/>
    /// waits there) and completes when it has run: how Core work calls back into user script blocks.
    /// </summary>
    protected Task InvokeOnPipelineAsync(Action action)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipelineActions.Add(() =>
        {
            try
            {
                action();
                done.SetResult(true);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    /// <summary>A non-terminating error for one target; the cmdlet goes on with the next.</summary>
    protected void WriteFailure(HaEdgeException e) => WriteError(ErrorFrom(e));

    protected static ErrorRecord ErrorFrom(HaEdgeException e) =>
        new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), e.Target);

    protected static ErrorRecord Error(string errorId, ErrorCategory category, string message, object? target) =>
        new ErrorRecord(new HaEdgeException(errorId, FailureKind.InvalidArgument, message), errorId, category, target);

    internal static ErrorCategory CategoryOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.InvalidData => ErrorCategory.InvalidData,
        FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureKind.ConnectionError => ErrorCategory.ConnectionError,
        FailureKind.OperationTimeout => ErrorCategory.OperationTimeout,
        FailureKind.AuthenticationError => ErrorCategory.AuthenticationError,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.SecurityError => ErrorCategory.SecurityError,
        FailureKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
        FailureKind.OperationStopped => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>Queues Core's narration for the pipeline thread: Write* is never called from a worker.</summary>
    private sealed class QueuedReporter : IOperationReporter
    {
        private readonly HaEdgeCmdlet cmdlet;

        public QueuedReporter(HaEdgeCmdlet cmdlet)
        {
            this.cmdlet = cmdlet;
        }

        public void Verbose(string message) => Post(() => cmdlet.WriteVerbose(message));

        public void Warning(string message) => Post(() => cmdlet.WriteWarning(message));

        public void Progress(string activity, string status, int percent) =>
            Post(() => cmdlet.WriteProgress(new ProgressRecord(ActivityId(activity), activity, status) { PercentComplete = percent }));

        public void Completed(string activity) =>
            Post(() => cmdlet.WriteProgress(new ProgressRecord(ActivityId(activity), activity, "Done") { RecordType = ProgressRecordType.Completed }));

        private static int ActivityId(string activity) => activity.GetHashCode() & 0x7fffffff;

        private void Post(Action action)
        {
            if (!cmdlet.pipelineActions.IsAddingCompleted)
            {
                cmdlet.pipelineActions.Add(action);
            }
        }
    }
}
