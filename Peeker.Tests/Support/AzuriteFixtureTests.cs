using Azure.Data.Tables;

namespace Peeker.Tests.Support;

public sealed class AzuriteFixtureTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task ConnectionString_PointsAtPrivateAzurite_NotDefaultPorts()
    {
        var service = new TableServiceClient(azurite.ConnectionString);

        await service.CreateTableIfNotExistsAsync("FixtureProbe");
        var tables = new List<string>();
        await foreach (var table in service.QueryAsync())
        {
            tables.Add(table.Name);
        }

        Assert.Contains("FixtureProbe", tables);
        Assert.DoesNotContain(azurite.TablePort, new[] { 10000, 10001, 10002 });
    }
}
