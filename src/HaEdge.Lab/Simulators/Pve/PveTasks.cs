using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>A task's expected failure: its message becomes the task's exitstatus, as a dying PVE worker's does.</summary>
internal sealed class TaskFailure : Exception
{
    public TaskFailure(string message)
        : base(message)
    {
    }
}

/// <summary>
/// PVE worker tasks: a UPID handed out at once, the work running in the background of the process that took the
/// request, status and log kept in the shared cluster state so either node answers GET .../tasks/{upid}/status.
/// </summary>
internal sealed class PveTasks
{
    private const int KeptTasks = 200;

    private readonly PveStore store;
    private readonly CancellationToken stopping;

    public PveTasks(PveStore store, CancellationToken stopping)
    {
        this.store = store;
        this.stopping = stopping;
    }

    /// <summary>Registers a running task and starts <paramref name="work"/>; returns the UPID.</summary>
    public string Start(string node, string type, string id, PveToken token, Func<Action<string>, CancellationToken, Task> work)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        TaskRecord task = store.Update(state =>
        {
            int pid = state.NextPid++;
            // pstart is the worker's start in clock ticks since boot; any increasing number keeps UPIDs unique.
            int pstart = (int)(Environment.TickCount64 / 10 % 0x7FFFFFFF);
            var record = new TaskRecord
            {
                Upid = string.Create(CultureInfo.InvariantCulture, $"UPID:{node}:{pid:X8}:{pstart:X8}:{now:X8}:{type}:{id}:{token.Id}:"),
                Node = node, Type = type, Id = id, User = token.User, TokenId = token.TokenName,
                Pid = pid, PStart = pstart, StartTime = now,
            };
            state.Tasks.Add(record);
            if (state.Tasks.Count > KeptTasks)
            {
                state.Tasks.RemoveRange(0, state.Tasks.Count - KeptTasks);
            }
            return record;
        });
        _ = Task.Run(() => RunAsync(task.Upid, work));
        return task.Upid;
    }

    public JsonObject Status(string node, string upid)
    {
        TaskRecord task = Find(node, upid);
        var status = new JsonObject
        {
            ["upid"] = task.Upid, ["node"] = task.Node, ["pid"] = task.Pid, ["pstart"] = task.PStart,
            ["starttime"] = task.StartTime, ["type"] = task.Type, ["id"] = task.Id, ["user"] = task.User,
            ["status"] = task.Status,
        };
        if (task.TokenId.Length > 0)
        {
            status["tokenid"] = task.TokenId;
        }
        if (task.Status == "stopped")
        {
            status["exitstatus"] = task.ExitStatus;
            status["endtime"] = task.EndTime;
        }
        return status;
    }

    /// <summary>GET .../tasks/{upid}/log: numbered lines, TASK OK / TASK ERROR last once stopped.</summary>
    public JsonArray Log(string node, string upid)
    {
        TaskRecord task = Find(node, upid);
        IEnumerable<string> lines = task.Log;
        if (task.Status == "stopped")
        {
            lines = lines.Append(task.ExitStatus == "OK" ? "TASK OK" : $"TASK ERROR: {task.ExitStatus}");
        }
        return new JsonArray(lines.Select((t, i) => (JsonNode)new JsonObject { ["n"] = i + 1, ["t"] = t }).ToArray());
    }

    private TaskRecord Find(string node, string upid)
    {
        TaskRecord? task = store.Read(state => state.Tasks.FirstOrDefault(t => t.Upid == upid));
        if (task is null || task.Node != node)
        {
            throw new PveError(500, $"no such task '{upid}'");
        }
        return task;
    }

    private async Task RunAsync(string upid, Func<Action<string>, CancellationToken, Task> work)
    {
        var log = new List<string>();
        string exit = "OK";
        try
        {
            await work(log.Add, stopping).ConfigureAwait(false);
        }
        catch (TaskFailure failure)
        {
            exit = failure.Message;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            exit = $"lab error: {error.Message}";
        }
        store.Update(state =>
        {
            TaskRecord? task = state.Tasks.FirstOrDefault(t => t.Upid == upid);
            if (task is not null)
            {
                task.Log.AddRange(log);
                task.Status = "stopped";
                task.ExitStatus = exit;
                task.EndTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            }
            return 0;
        });
    }
}
