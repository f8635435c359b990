namespace HaEdge.Lab;

/// <summary>A refusal or failure the lab reports as one line and a non-zero exit.</summary>
internal sealed class LabException : Exception
{
    public LabException(string message) : base(message) { }
}
