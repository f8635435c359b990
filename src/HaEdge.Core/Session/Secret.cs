using System;

namespace HaEdge.Core.Session;

/// <summary>
/// A password, passphrase or token secret. It never prints: ToString, debuggers and serialisers see a mask,
/// so a secret cannot reach Verbose output, an error message or an exported result by accident.
/// </summary>
internal sealed class Secret
{
    private readonly string value;

    public Secret(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException("A secret cannot be empty.", nameof(value));
        }

        this.value = value;
    }

    /// <summary>The one deliberate way to read the secret, at the point of use.</summary>
    public string Reveal() => value;

    public override string ToString() => "********";

    /// <summary>The secret from an environment variable, or null when the variable is unset or empty.</summary>
    public static Secret? FromEnvironment(string? variable)
    {
        string? text = variable == null ? null : Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(text) ? null : new Secret(text!);
    }
}
