using Azure.Data.Tables;
using Peeker.Shared;

namespace Peeker.Tests.Support;

public sealed class AzuriteFixtureTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task ConnectionString_PointsAtThisFixturesOwnAzurite()
    {
        // A table made through the fixture's connection string is visible on its own table port, and on no other
        // Azurite: a second fixture (another test class's) does not see it.
        var service = new TableServiceClient(azurite.ConnectionString);
        await service.CreateTableIfNotExistsAsync("FixtureProbe");
        await using var other = await AzuriteProcess.StartAsync(RepoPaths.Root);

        var ours = await NamesAsync(new TableServiceClient(azurite.ConnectionString));
        var theirs = await NamesAsync(new TableServiceClient(other.ConnectionString));

        Assert.Contains("FixtureProbe", ours);
        Assert.DoesNotContain("FixtureProbe", theirs);
        Assert.Contains($"127.0.0.1:{azurite.TablePort}/", azurite.ConnectionString, StringComparison.Ordinal);
        Assert.NotEqual(azurite.TablePort, other.TablePort);
    }

    [Fact]
    public async Task Dispose_StopsAzurite_ItsPortsClose()
    {
        var process = await AzuriteProcess.StartAsync(RepoPaths.Root);
        var port = process.TablePort;
        Assert.True(await LoopbackPorts.IsOpenAsync(port));

        await process.DisposeAsync();

        Assert.False(await LoopbackPorts.IsOpenAsync(port));
    }

    private static async Task<List<string>> NamesAsync(TableServiceClient service)
    {
        var names = new List<string>();
        await foreach (var table in service.QueryAsync())
        {
            names.Add(table.Name);
        }

        return names;
    }
}
