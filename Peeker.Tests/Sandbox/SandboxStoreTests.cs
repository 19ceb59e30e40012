using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Cloudflare;
using Peeker.Sandbox.Cloudflare;
using Peeker.Sandbox.State;

namespace Peeker.Tests.Sandbox;

[Collection(SandboxServerGroup.Name)]
public sealed class SandboxStoreTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task State_WrittenThroughTheSimulator_IsReadByAFreshStoreOnTheSameStorage()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await sandbox
            .Providers.GetRequiredService<ICloudflareClientFactory>()
            .Create(scope)
            .CreateZoneAsync("restart-safe.com", default);

        // A new store over the same account is what a restarted host sees.
        var fresh = new SandboxStore(new TableServiceClient(sandbox.StorageConnectionString));
        var stored = await fresh.GetAsync<CloudflareZoneState>(scope.PartnerId, SandboxKinds.CloudflareZone, zone.Id);

        Assert.Equal("restart-safe.com", stored!.Name);
        Assert.Equal(zone.NameServers, stored.NameServers);
    }

    [Fact]
    public async Task State_OfOnePartner_IsInvisibleToAnother()
    {
        var owner = SandboxServerFixture.NewPartner();
        var other = SandboxServerFixture.NewPartner();
        var factory = sandbox.Providers.GetRequiredService<ICloudflareClientFactory>();
        var zone = await factory.Create(owner).CreateZoneAsync("partner-isolated.com", default);

        Assert.Null(await factory.Create(other).GetZoneAsync(zone.Id, default));
        Assert.Empty(await sandbox.Inspector.ReadAsync(other.PartnerId, SandboxKinds.CloudflareZone));
    }

    [Fact]
    public async Task IncrementAsync_Concurrent_CountsEveryCall()
    {
        var store = new SandboxStore(new TableServiceClient(sandbox.StorageConnectionString));
        var partner = SandboxServerFixture.NewPartner().PartnerId;

        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.IncrementAsync(partner, "c")));

        Assert.Equal(Enumerable.Range(1, 8), counts.Order());
    }

    [Fact]
    public async Task TryAddAsync_InsertDoneButAnswerLost_CountsAsAddedNotAsAConflict()
    {
        var loseFirstInsert = new LoseFirstAnswer(RequestMethod.Post);
        var options = new TableClientOptions();
        options.AddPolicy(loseFirstInsert, HttpPipelinePosition.PerRetry);
        var store = new SandboxStore(new TableServiceClient(sandbox.StorageConnectionString, options));
        var partner = SandboxServerFixture.NewPartner().PartnerId;

        var added = await store.TryAddAsync(partner, "test", "lost-answer", new { Value = 1 });
        var again = await store.TryAddAsync(partner, "test", "lost-answer", new { Value = 2 });

        Assert.True(loseFirstInsert.Lost, "the first insert reached storage and its answer was dropped");
        Assert.True(added);
        Assert.False(again);
    }

    [Fact]
    public async Task IncrementAsync_UpdateDoneButAnswerLost_CountsTheCallOnce()
    {
        var loseFirstUpdate = new LoseFirstAnswer(RequestMethod.Put);
        var options = new TableClientOptions();
        options.AddPolicy(loseFirstUpdate, HttpPipelinePosition.PerRetry);
        var store = new SandboxStore(new TableServiceClient(sandbox.StorageConnectionString, options));
        var partner = SandboxServerFixture.NewPartner().PartnerId;

        var first = await store.IncrementAsync(partner, "lost-answer");
        var second = await store.IncrementAsync(partner, "lost-answer");
        var third = await store.IncrementAsync(partner, "lost-answer");

        Assert.True(loseFirstUpdate.Lost, "the first update reached storage and its answer was dropped");
        Assert.Equal((1, 2, 3), (first, second, third));
    }

    /// <summary>
    /// Lets the first successful request of <paramref name="method"/> reach storage, then throws as a dropped connection
    /// would; the SDK retries it (an insert then meets 409, a conditional update 412).
    /// </summary>
    private sealed class LoseFirstAnswer(RequestMethod method) : HttpPipelinePolicy
    {
        public bool Lost { get; private set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the tests call the store asynchronously");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (!Lost && message.Request.Method == method && message.Response.Status == 204)
            {
                Lost = true;
                throw new IOException("connection dropped after the write was done");
            }
        }
    }
}
