namespace Peeker.Tests.Support;

/// <summary>Locates the repository root (the folder with Peeker.sln) from the test binaries.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Peeker.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Peeker.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;
}
