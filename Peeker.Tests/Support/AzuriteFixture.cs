using Peeker.Shared;

namespace Peeker.Tests.Support;

/// <summary>
/// A private in-memory Azurite on free loopback ports for one test class or collection (the launcher the benchmarks
/// use too, <see cref="AzuriteProcess"/>), with an explicit connection string. No test depends on ports 10000-10002.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>The well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = AzuriteProcess.AccountKey;

    /// <summary>A connection string to a loopback port where nothing listens: storage that is down.</summary>
    public static readonly string UnreachableConnectionString =
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
        + "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    private AzuriteProcess? _azurite;

    public int BlobPort => Started.BlobPort;

    public int QueuePort => Started.QueuePort;

    public int TablePort => Started.TablePort;

    public string ConnectionString => Started.ConnectionString;

    private AzuriteProcess Started => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync(RepoPaths.Root);

    public async Task DisposeAsync()
    {
        var azurite = _azurite;
        _azurite = null;
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}
