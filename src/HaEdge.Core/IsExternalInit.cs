// Lets netstandard2.0 code use records and init-only properties (the type ships with .NET 5+ only).
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
