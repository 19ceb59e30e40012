using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Imports;
using Peeker.Tests.Support;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// Imports over HTTP: the same normalised set within 24 hours returns the existing import, and the synchronous route's
/// 429 <c>cloudflare_account_capacity</c> (the sandbox fault word <c>cfbusy</c>, and the per-host capacity).
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class ImportIdempotencyTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Import_SameNormalisedSetAgain_ReturnsTheExistingImportOnBothRoutes()
    {
        var partner = await fixture.NewPartnerAsync();
        var (a, b) = (Unique("same"), Unique("set"));

        var first = await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { a, b } });
        var reordered = await partner.Test.PostAsync(
            "/partner/v1/domains/import",
            new { domains = new[] { b.ToUpperInvariant() + ".", a, a } }
        );
        var asJob = await partner.Test.PostAsync("/partner/v1/domains/import/jobs", new { domains = new[] { a, b } });
        var subset = await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { a } });
        var id = first.Data.GetProperty("id").GetString();

        Assert.Equal((HttpStatusCode.OK, id), (reordered.Status, reordered.Data.GetProperty("id").GetString()));
        Assert.Equal((HttpStatusCode.Accepted, id), (asJob.Status, asJob.Data.GetProperty("id").GetString()));
        Assert.NotEqual(id, subset.Data.GetProperty("id").GetString());
        Assert.Single(fixture.Workflows.Imports, i => i.ImportId == id);
    }

    [Fact]
    public async Task Import_SameSetFromAnotherPartnerOrAfterTheImportFailed_IsANewImport()
    {
        var partner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var name = Unique("again");
        var first = (await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { name } }))
            .Data.GetProperty("id")
            .GetString()!;
        var otherPartners = (await other.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { name } }))
            .Data.GetProperty("id")
            .GetString();
        await fixture
            .Service<DomainImportStore>()
            .UpdateAsync(PeekerEnvironment.Test, partner.Id, first, i => i with { Status = ImportStatus.Failed }, default);

        var afterFailure = (await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { name } }))
            .Data.GetProperty("id")
            .GetString();

        Assert.NotEqual(first, otherPartners);
        Assert.NotEqual(first, afterFailure);
    }

    [Fact]
    public async Task Import_SandboxCapacityFaultWord_Returns429CloudflareAccountCapacity_StoresNothing_JobsStillQueue()
    {
        var partner = await fixture.NewPartnerAsync();
        var name = Unique("cfbusy");

        var busy = await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { name } });
        var lookup = await partner.Test.GetAsync($"/partner/v1/domains/import?domains={name}");
        var job = await partner.Test.PostAsync("/partner/v1/domains/import/jobs", new { domains = new[] { name } });

        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), (busy.Status, busy.ErrorCode));
        Assert.Equal("cloudflare_account_capacity", busy.Error.GetProperty("details").GetProperty("reason").GetString());
        Assert.True(busy.Error.GetProperty("details").GetProperty("retry_after_seconds").GetInt32() >= 1);
        Assert.NotNull(busy.Message.Headers.RetryAfter);
        Assert.Empty(lookup.Data.EnumerateArray());
        Assert.Equal(HttpStatusCode.Accepted, job.Status);
        Assert.Equal("pending", job.Data.GetProperty("domains")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Import_SynchronousImportsOverTheHostsCapacity_Get429UntilOneFinishes()
    {
        await using var factory = fixture.CreateFactory(
            new Dictionary<string, string> { ["Provisioning:SyncImportCapacity"] = "1", ["Provisioning:ImportResponseWait"] = "00:01:00" }
        );
        var partner = await fixture.NewPartnerAsync();
        var client = fixture.Client(partner.TestKey, factory);

        // No engine creates zones here, so the first import holds the capacity until fake time passes its wait.
        var holding = client.PostAsync("/partner/v1/domains/import", new { domains = new[] { Unique("hold") } });
        await Wait.UntilAsync(() => fixture.Workflows.Imports.Any(i => i.PartnerId == partner.Id));
        var second = await client.PostAsync("/partner/v1/domains/import", new { domains = new[] { Unique("second") } });
        var first = await PastTheWaitAsync(holding);
        var third = await PastTheWaitAsync(client.PostAsync("/partner/v1/domains/import", new { domains = new[] { Unique("third") } }));

        Assert.Equal("cloudflare_account_capacity", second.Error.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal(60, second.Error.GetProperty("details").GetProperty("retry_after_seconds").GetInt32());
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, third.Status);
    }

    /// <summary>Moves fake time on until <paramref name="import"/> has passed its wait for zones (it may not have started it yet).</summary>
    private async Task<ApiResponse> PastTheWaitAsync(Task<ApiResponse> import)
    {
        while (!import.IsCompleted)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(2));
            await Task.WhenAny(import, Task.Delay(50));
        }

        return await import;
    }
}
