namespace HaEdge.Core.Tests.Support;

/// <summary>
/// Reads a real sample from tests/fixtures/real (the repository's copy of the project's real outputs, provenance headers
/// kept): the header (# lines) ends at the first blank line.
/// </summary>
public static class RealFixture
{
    public static string Root { get; } = FindRoot();

    public static string Body(string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(Root, relativePath)).Replace("\r\n", "\n");
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (end < 0) throw new InvalidDataException($"{relativePath}: no blank line after the provenance header");
        return text.Substring(end + 2);
    }

    public static IEnumerable<string> Files(string kind, string pattern = "*.txt") =>
        Directory.EnumerateFiles(Path.Combine(Root, kind), pattern)
            .Where(p => !Path.GetFileName(p).StartsWith("FORMAT", StringComparison.Ordinal))
            .Select(p => Path.Combine(kind, Path.GetFileName(p)))
            .OrderBy(p => p, StringComparer.Ordinal);

    private static string FindRoot()
    {
        // bin/<config>/<tfm> -> repository root (holds HaEdge.psd1) -> tests/fixtures/real
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "HaEdge.psd1"))) dir = dir.Parent;
        var root = dir == null ? null : Path.Combine(dir.FullName, "tests", "fixtures", "real");
        if (root == null || !Directory.Exists(root))
            throw new DirectoryNotFoundException("tests/fixtures/real not found in the repository");
        return root;
    }
}
