using System.Xml.Linq;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Functions.Ops;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Ops;

/// <summary>The ops console's data-protection key ring in a blob, on a real Azurite.</summary>
public sealed class BlobXmlRepositoryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public void GetAllElements_NoBlobYet_ReturnsNone()
    {
        var repository = new BlobXmlRepository(Container());

        Assert.Empty(repository.GetAllElements());
    }

    [Fact]
    public async Task StoreElement_ManyHostsAddingKeysAtOnce_KeepsEveryKey()
    {
        var container = Container();
        const int hosts = 8;
        using var start = new Barrier(hosts);

        await Task.WhenAll(
            Enumerable
                .Range(0, hosts)
                .Select(i =>
                    Task.Run(() =>
                    {
                        var repository = new BlobXmlRepository(new BlobContainerClient(azurite.ConnectionString, container.Name));
                        start.SignalAndWait();
                        repository.StoreElement(new XElement("key", new XAttribute("id", $"k{i}")), $"k{i}");
                    })
                )
        );

        var ids = new BlobXmlRepository(container).GetAllElements().Select(e => (string)e.Attribute("id")!).Order().ToList();
        Assert.Equal(Enumerable.Range(0, hosts).Select(i => $"k{i}").Order().ToList(), ids);
    }

    [Fact]
    public void Protect_OnOneServiceProvider_UnprotectsOnAnotherSharingTheContainer()
    {
        var container = Container();
        using var first = Provider(container);
        using var second = Provider(container);

        var secret = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("ops").Protect("session of operator");

        Assert.Equal("session of operator", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("ops").Unprotect(secret));
        Assert.Single(new BlobXmlRepository(container).GetAllElements());
    }

    private BlobContainerClient Container() => new(azurite.ConnectionString, $"keys{Guid.NewGuid():N}");

    private static ServiceProvider Provider(BlobContainerClient container)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName(OpsConsoleComposition.ApplicationName);
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new BlobXmlRepository(container));
        return services.BuildServiceProvider();
    }
}
