using System.Net;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class AvailabilityTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Check_ReturnsOneRowPerNameInInputOrder()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync(
            "/partner/v1/domains/availability",
            new { domains = new[] { "order-acme.com", "taken-acme.com", "premium-acme.com", "not a domain", "order-acme.app" } }
        );

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var rows = response.Data.GetProperty("domains").EnumerateArray().ToList();
        Assert.Equal(5, rows.Count);
        var ok = rows[0];
        Assert.Equal("order-acme.com", ok.GetProperty("domain").GetString());
        Assert.True(ok.GetProperty("available").GetBoolean());
        Assert.False(ok.GetProperty("premium").GetBoolean());
        Assert.Equal(1300, ok.GetProperty("price_cents").GetInt64());
        Assert.Equal(1500, ok.GetProperty("renewal_price_cents").GetInt64());
        Assert.Equal("usd", ok.GetProperty("currency").GetString());
        Assert.Equal(["google", "microsoft"], ok.GetProperty("usable_for").EnumerateArray().Select(e => e.GetString()));
        Assert.False(ok.TryGetProperty("reason", out _));
        Assert.Equal("taken", rows[1].GetProperty("reason").GetString());
        Assert.False(rows[1].GetProperty("available").GetBoolean());
        Assert.False(rows[1].TryGetProperty("price_cents", out _));
        Assert.False(rows[1].TryGetProperty("usable_for", out _));
        Assert.Equal("premium", rows[2].GetProperty("reason").GetString());
        Assert.True(rows[2].GetProperty("premium").GetBoolean());
        Assert.Equal("invalid", rows[3].GetProperty("reason").GetString());
        Assert.Equal("not a domain", rows[3].GetProperty("domain").GetString());
        Assert.Equal(["google"], rows[4].GetProperty("usable_for").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Check_NormalisesCaseTrailingDotAndIdn()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync(
            "/partner/v1/domains/availability",
            new { domains = new[] { "Norm-ACME.Com.", "bücher-norm.de" } }
        );

        var rows = response.Data.GetProperty("domains").EnumerateArray().ToList();
        Assert.Equal("norm-acme.com", rows[0].GetProperty("domain").GetString());
        Assert.Equal("xn--bcher-norm-9db.de", rows[1].GetProperty("domain").GetString());
        Assert.True(rows[1].GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task Check_DecomposedAndPrecomposedIdn_OneNameOneRegistrarQuery()
    {
        var partner = await fixture.NewPartnerAsync();

        // "café" typed as e + U+0301 (as macOS file names and some keyboards send it) and as precomposed U+00E9.
        var response = await partner.Test.PostAsync(
            "/partner/v1/domains/availability",
            new { domains = new[] { "cafe\u0301-nfc.com", "caf\u00e9-nfc.com" } }
        );

        var rows = response.Data.GetProperty("domains").EnumerateArray().ToList();
        Assert.Equal("xn--caf-nfc-dya.com", rows[0].GetProperty("domain").GetString());
        Assert.Equal("xn--caf-nfc-dya.com", rows[1].GetProperty("domain").GetString());
        Assert.Equal(1, fixture.Registrar.CountQueries("xn--caf-nfc-dya.com"));
    }

    [Fact]
    public async Task Check_CachesEachNameForFiveMinutes()
    {
        var partner = await fixture.NewPartnerAsync();
        var body = new { domains = new[] { "cache-acme.com" } };

        await partner.Test.PostAsync("/partner/v1/domains/availability", body);
        await partner.Test.PostAsync("/partner/v1/domains/availability", body);
        var cachedCount = fixture.Registrar.CountQueries("cache-acme.com");
        fixture.Time.Advance(TimeSpan.FromMinutes(6));
        await partner.Test.PostAsync("/partner/v1/domains/availability", body);

        Assert.Equal(1, cachedCount);
        Assert.Equal(2, fixture.Registrar.CountQueries("cache-acme.com"));
    }

    [Fact]
    public async Task Check_RepeatedWithinFiveMinutes_AnswersFromMemoryWithoutTableReads()
    {
        var reads = new AvailabilityTableRequestCounter();
        await using var host = Host(reads);
        var partner = fixture.Client((await fixture.NewPartnerAsync()).TestKey, host);
        var body = new { domains = new[] { "mem-acme.com", "taken-mem.com", "premium-mem.com", "not a domain", "Mem-ACME.com." } };
        var first = await partner.PostAsync("/partner/v1/domains/availability", body);
        var afterFirst = reads.Count;

        var second = await partner.PostAsync("/partner/v1/domains/availability", body);

        Assert.True(afterFirst > 0);
        Assert.Equal(afterFirst, reads.Count);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Data.GetRawText(), second.Data.GetRawText());
        Assert.Equal(1, fixture.Registrar.CountQueries("mem-acme.com"));
    }

    [Fact]
    public async Task Check_AfterFiveMinutes_ReadsTheTableAndRechecksTheName()
    {
        var reads = new AvailabilityTableRequestCounter();
        await using var host = Host(reads);
        var partner = fixture.Client((await fixture.NewPartnerAsync()).TestKey, host);
        var body = new { domains = new[] { "memttl-acme.com" } };
        await partner.PostAsync("/partner/v1/domains/availability", body);
        var afterFirst = reads.Count;
        fixture.Time.Advance(TimeSpan.FromMinutes(5));

        var later = await partner.PostAsync("/partner/v1/domains/availability", body);

        Assert.True(reads.Count > afterFirst);
        Assert.Equal(2, fixture.Registrar.CountQueries("memttl-acme.com"));
        Assert.True(later.Data.GetProperty("domains")[0].GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task Check_AnotherHostCheckedTheName_AnswersFromTheTableNotTheRegistrar()
    {
        var reads = new AvailabilityTableRequestCounter();
        await using var other = Host(reads);
        var partner = await fixture.NewPartnerAsync();
        var body = new { domains = new[] { "memshared-acme.com" } };
        var first = await partner.Test.PostAsync("/partner/v1/domains/availability", body);

        var fromOther = await fixture.Client(partner.TestKey, other).PostAsync("/partner/v1/domains/availability", body);

        Assert.True(reads.Count > 0);
        Assert.Equal(1, fixture.Registrar.CountQueries("memshared-acme.com"));
        Assert.Equal(first.Data.GetRawText(), fromOther.Data.GetRawText());
    }

    [Fact]
    public async Task Check_RegistrarDown_ReportsErroredRowsNotRequestErrors()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync("/partner/v1/domains/availability", new { domains = new[] { "boom-acme.com" } });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("errored", response.Data.GetProperty("domains")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Check_ExpiredEntryAndRegistrarDown_ReportsStale()
    {
        var partner = await fixture.NewPartnerAsync();
        await partner.Test.PostAsync("/partner/v1/domains/availability", new { domains = new[] { "stale-acme.com" } });
        fixture.Time.Advance(TimeSpan.FromMinutes(6));

        var response = await partner.Test.PostAsync(
            "/partner/v1/domains/availability",
            new { domains = new[] { "stale-acme.com", "boom-stale.com" } }
        );

        var rows = response.Data.GetProperty("domains");
        Assert.Equal("stale", rows[0].GetProperty("reason").GetString());
        Assert.False(rows[0].GetProperty("available").GetBoolean());
        Assert.Equal("errored", rows[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Check_UsesTheKeysEnvironment()
    {
        var partner = await fixture.NewPartnerAsync();

        await partner.Live.PostAsync("/partner/v1/domains/availability", new { domains = new[] { "live-env-acme.com" } });

        Assert.Contains(
            fixture.Registrar.Queries,
            q =>
                q.Domain == "live-env-acme.com"
                && q.Scope.Environment == Peeker.Activities.Common.PeekerEnvironment.Live
                && q.Scope.PartnerId == partner.Id
        );
    }

    [Theory]
    [InlineData(51)]
    [InlineData(0)]
    public async Task Check_OutsideOneToFiftyNames_Returns400(int count)
    {
        var partner = await fixture.NewPartnerAsync();
        var names = Enumerable.Range(0, count).Select(i => $"n{i}-acme.com").ToArray();

        var response = await partner.Test.PostAsync("/partner/v1/domains/availability", new { domains = names });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("domains", response.Error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Check_NonStringName_Returns400NamingTheItem()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostRawAsync("/partner/v1/domains/availability", """{"domains":["ok.com", 7]}""");

        Assert.Equal("domains[1]", response.Error.GetProperty("field").GetString());
        Assert.Equal(JsonValueKind.Object, response.Body.ValueKind);
    }

    /// <summary>A second host on the fixture's Azurite and clock (its own memory cache) whose table requests <paramref name="counter"/> sees.</summary>
    private WebApplicationFactory<Program> Host(AvailabilityTableRequestCounter counter) =>
        fixture
            .CreateFactory()
            .WithWebHostBuilder(b =>
                b.ConfigureTestServices(s =>
                {
                    var options = new TableClientOptions();
                    options.AddPolicy(counter, HttpPipelinePosition.PerCall);
                    s.AddSingleton(new TableServiceClient(fixture.ConnectionString, options));
                })
            );

    /// <summary>Counts requests the host sends to the availability tables (real Azurite; nothing is faked).</summary>
    private sealed class AvailabilityTableRequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Uri.Path.Contains("Availability", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
