using System;
using System.Text.Json.Nodes;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>
/// An API failure the way pve-http-server reports it: the HTTP status, the message as the status line's reason
/// phrase and in the body, <c>data</c> null, and per-parameter <c>errors</c> for 400s.
/// </summary>
internal sealed class PveError : Exception
{
    public PveError(int status, string message, JsonObject? errors = null)
        : base(message)
    {
        Status = status;
        Errors = errors;
    }

    public int Status { get; }

    public JsonObject? Errors { get; }

    /// <summary>A 400 for one parameter, as PVE's schema validation returns it.</summary>
    public static PveError Parameter(string name, string message) =>
        new(400, "Parameter verification failed.", new JsonObject { [name] = message });
}
