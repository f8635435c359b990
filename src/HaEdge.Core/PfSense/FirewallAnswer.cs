using HaEdge.Core.Definition;

namespace HaEdge.Core.PfSense;

/// <summary>What one firewall answered to a batch, or why it could not.</summary>
internal sealed class FirewallAnswer<T>
{
    private FirewallAnswer(FirewallDefinition firewall, T? value, HaEdgeException? failure)
    {
        Firewall = firewall;
        Value = value;
        Failure = failure;
    }

    public FirewallDefinition Firewall { get; }

    public T? Value { get; }

    /// <summary>Null when <see cref="Value"/> holds the answer.</summary>
    public HaEdgeException? Failure { get; }

    public bool Succeeded => Failure == null;

    public static FirewallAnswer<T> Of(FirewallDefinition firewall, T value) => new FirewallAnswer<T>(firewall, value, null);

    public static FirewallAnswer<T> Failed(FirewallDefinition firewall, HaEdgeException failure) => new FirewallAnswer<T>(firewall, default, failure);
}
