using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Domains;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Activities;

namespace Peeker.Tests.Sandbox;

/// <summary>
/// <see cref="CreateZone"/> and <see cref="DeleteZone"/> against the Cloudflare simulator and Azurite: a zone is used
/// and deleted only by the id recorded when we created it, never found by name.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class SandboxZoneOwnershipTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task DeleteZone_ZoneOfThatNameNotRecordedAsOurs_IsLeftAlone()
    {
        var (scope, domains, client) = await SetUpAsync();
        var name = Name("dz-foreign");
        var foreign = await client.CreateZoneAsync(name, default);

        var result = await new DeleteZone(Cloudflare, domains).RunAsync(
            Context(nameof(DeleteZone)),
            new DeleteZoneInput(Order(scope), name)
        );

        Assert.False(result.Deleted);
        Assert.NotNull(await client.GetZoneAsync(foreign.Id, default));
    }

    [Fact]
    public async Task DeleteZone_ZoneWeCreated_IsDeletedByItsRecordedId_Once()
    {
        var (scope, domains, client) = await SetUpAsync();
        var name = Name("dz-ours");
        var created = await new CreateZone(Cloudflare, domains, TimeProvider.System).RunAsync(
            Context(nameof(CreateZone)),
            new CreateZoneInput(Order(scope), name)
        );

        var deleted = await new DeleteZone(Cloudflare, domains).RunAsync(
            Context(nameof(DeleteZone)),
            new DeleteZoneInput(Order(scope), name)
        );
        var again = await new DeleteZone(Cloudflare, domains).RunAsync(
            Context(nameof(DeleteZone)),
            new DeleteZoneInput(Order(scope), name)
        );

        Assert.True(deleted.Deleted);
        Assert.Null(await client.GetZoneAsync(created.ZoneId, default));
        Assert.False(again.Deleted);
    }

    [Fact]
    public async Task CreateZone_ZoneExistsButIsNotOurs_FailsWithoutAdoptingIt()
    {
        var (scope, domains, client) = await SetUpAsync();
        var name = Name("cz-foreign");
        var foreign = await client.CreateZoneAsync(name, default);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            new CreateZone(Cloudflare, domains, TimeProvider.System).RunAsync(
                Context(nameof(CreateZone)),
                new CreateZoneInput(Order(scope), name)
            )
        );

        Assert.Equal(("domain_in_use", false), (error.Code, error.IsRetryable));
        Assert.Null(await domains.ZoneOfAsync(scope.Environment, name, scope.PartnerId, default));
        Assert.NotNull(await client.GetZoneAsync(foreign.Id, default));
    }

    [Fact]
    public async Task CreateZone_RetriedAfterItsAnswerWasLost_ReusesItsOwnZone()
    {
        var (scope, domains, _) = await SetUpAsync();
        var name = Name("cz-retry");
        var activity = new CreateZone(Cloudflare, domains, TimeProvider.System);
        var first = await activity.RunAsync(Context(nameof(CreateZone)), new CreateZoneInput(Order(scope), name));

        var second = await activity.RunAsync(Context(nameof(CreateZone)), new CreateZoneInput(Order(scope), name));

        Assert.Equal(first.ZoneId, second.ZoneId);
    }

    private ICloudflareClientFactory Cloudflare => sandbox.Providers.GetRequiredService<ICloudflareClientFactory>();

    private async Task<(ProviderScope Scope, DomainStore Domains, ICloudflareClient Client)> SetUpAsync()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tables = await TestTables.CreateAsync(sandbox.StorageConnectionString);
        return (scope, new DomainStore(tables), Cloudflare.Create(scope));
    }

    private static string Name(string label) => $"{label}-{Guid.NewGuid():N}"[..(label.Length + 13)] + ".com";

    private static OrderRef Order(ProviderScope scope) => new("ord_zone", scope.Environment, scope.PartnerId);

    private static TestActivityContext Context(string activity) => new(activity, "ord_zone:test");
}
