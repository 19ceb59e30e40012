using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// The Partner API's limits over HTTP, on hosts that share the fixture's Azurite. Each test freezes its own clock at the
/// start of a minute, so a window boundary never falls inside a test.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class RateLimitTests(PartnerApiFixture fixture)
{
    private const string ClientIpHeader = "X-Test-Client-Ip";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task KeyLimit_TwoHostsOnOneStorage_TogetherAllowExactlyTheLimit()
    {
        var settings = new Dictionary<string, string> { ["Peeker:RateLimitPerMinute"] = "20", ["Peeker:RateLimitReservation"] = "4" };
        await using var first = Host(settings);
        await using var second = Host(settings);
        var partner = await fixture.NewPartnerAsync();
        var clients = new[] { fixture.Client(partner.TestKey, first), fixture.Client(partner.TestKey, second) };

        // 30 concurrent requests on each host: 60 for a limit of 20.
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => clients[i % 2].GetAsync("/partner/v1/me")));

        Assert.Equal(20, responses.Count(r => r.Status == HttpStatusCode.OK));
        var limited = responses.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.Equal(40, limited.Count);
        Assert.All(
            limited,
            r =>
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
                Assert.Equal("rate_limited", r.ErrorCode);
                Assert.Equal(60, r.Error.GetProperty("details").GetProperty("retry_after_seconds").GetInt32());
                Assert.Equal(TimeSpan.FromSeconds(60), r.Message.Headers.RetryAfter?.Delta);
            }
        );
    }

    [Fact]
    public async Task KeyLimit_NextWindow_BothHostsAllowAgain()
    {
        var settings = new Dictionary<string, string> { ["Peeker:RateLimitPerMinute"] = "2" };
        await using var first = Host(settings);
        await using var second = Host(settings);
        var partner = await fixture.NewPartnerAsync();
        var a = fixture.Client(partner.TestKey, first);
        var b = fixture.Client(partner.TestKey, second);
        await a.GetAsync("/partner/v1/me");
        await b.GetAsync("/partner/v1/me");
        _time.Advance(TimeSpan.FromSeconds(45));
        var overLimit = await a.GetAsync("/partner/v1/me");

        _time.Advance(TimeSpan.FromSeconds(15));
        var nextA = await a.GetAsync("/partner/v1/me");
        var nextB = await b.GetAsync("/partner/v1/me");

        Assert.Equal(HttpStatusCode.TooManyRequests, overLimit.Status);
        Assert.Equal(15, overLimit.Error.GetProperty("details").GetProperty("retry_after_seconds").GetInt32());
        Assert.Equal(HttpStatusCode.OK, nextA.Status);
        Assert.Equal(HttpStatusCode.OK, nextB.Status);
    }

    [Fact]
    public async Task Unauthenticated_FloodFromOneAddress_Gets429WithoutKeyLookups()
    {
        var keyReads = new KeyTableRequestCounter();
        await using var host = Host(new Dictionary<string, string> { ["Peeker:UnauthenticatedPerMinute"] = "5" }, keyReads);
        var attacker = fixture.Client("pk_live_not_a_real_key_0000000000000000", host);
        attacker.Http.DefaultRequestHeaders.Add(ClientIpHeader, "203.0.113.7");
        var neighbour = fixture.Client("pk_live_not_a_real_key_0000000000000000", host);
        neighbour.Http.DefaultRequestHeaders.Add(ClientIpHeader, "203.0.113.8");
        await host.Services.GetRequiredService<Peeker.Functions.PartnerApi.PartnerApiStartup>().Ready;
        var readsBefore = keyReads.Count;

        var first = new List<ApiResponse>();
        for (var i = 0; i < 5; i++)
        {
            first.Add(await attacker.GetAsync("/partner/v1/me"));
        }

        var readsAtBudget = keyReads.Count;
        var flood = new List<ApiResponse>();
        for (var i = 0; i < 50; i++)
        {
            flood.Add(await attacker.GetAsync("/partner/v1/me"));
        }

        var other = await neighbour.GetAsync("/partner/v1/me");

        Assert.All(first, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.Equal(5, readsAtBudget - readsBefore);
        Assert.All(
            flood,
            r =>
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
                Assert.Equal("rate_limited", r.ErrorCode);
                Assert.InRange(r.Error.GetProperty("details").GetProperty("retry_after_seconds").GetInt32(), 1, 60);
            }
        );
        Assert.Equal(HttpStatusCode.Unauthorized, other.Status);
        Assert.Equal(readsAtBudget + 1, keyReads.Count);
    }

    [Fact]
    public async Task Availability_OverThePartnersNameBudget_Returns429WithDetails()
    {
        await using var host = Host(new Dictionary<string, string> { ["Peeker:AvailabilityNamesPerMinute"] = "5" });
        var partner = await fixture.NewPartnerAsync();
        var limitedKey = fixture.Client(await fixture.NewKeyAsync(partner.Id, "limited"), host);
        var fullKey = fixture.Client(partner.TestKey, host);

        var withinBudget = await limitedKey.PostAsync(
            "/partner/v1/domains/availability",
            new { domains = new[] { "budget-a.com", "budget-b.com", "budget-b.com." } }
        );
        var overBudget = await fullKey.PostAsync(
            "/partner/v1/domains/availability",
            new { domains = new[] { "budget-c.com", "budget-d.com", "budget-e.com", "budget-f.com" } }
        );
        var lastNames = await limitedKey.PostAsync(
            "/partner/v1/domains/availability",
            new { domains = new[] { "budget-g.com", "budget-h.com", "budget-i.com" } }
        );

        Assert.Equal(HttpStatusCode.OK, withinBudget.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, overBudget.Status);
        Assert.Equal("rate_limited", overBudget.ErrorCode);
        var details = overBudget.Error.GetProperty("details");
        Assert.Equal("availability_budget", details.GetProperty("reason").GetString());
        Assert.Equal(5, details.GetProperty("names_per_minute").GetInt32());
        Assert.Equal(4, details.GetProperty("requested_names").GetInt32());
        Assert.Equal(60, details.GetProperty("retry_after_seconds").GetInt32());
        Assert.Equal(0, fixture.Registrar.CountQueries("budget-c.com"));
        Assert.Equal(HttpStatusCode.OK, lastNames.Status);
    }

    /// <summary>A host on the fixture's Azurite with this test's frozen clock; the client address comes from <see cref="ClientIpHeader"/>.</summary>
    private WebApplicationFactory<Program> Host(Dictionary<string, string> settings, KeyTableRequestCounter? counter = null) =>
        fixture
            .CreateFactory(settings)
            .WithWebHostBuilder(b =>
                b.ConfigureTestServices(s =>
                {
                    s.AddSingleton<TimeProvider>(_time);
                    s.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
                    if (counter is not null)
                    {
                        var options = new TableClientOptions();
                        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
                        s.AddSingleton(new TableServiceClient(fixture.ConnectionString, options));
                    }
                })
            );

    /// <summary>Test seam: TestServer has no peer address, so the test names one.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) =>
            app =>
            {
                app.Use(
                    (context, nextMiddleware) =>
                    {
                        if (context.Request.Headers[ClientIpHeader].ToString() is { Length: > 0 } ip)
                        {
                            context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
                        }

                        return nextMiddleware(context);
                    }
                );
                next(app);
            };
    }

    /// <summary>Counts requests the host sends to the API key table (real Azurite; nothing is faked).</summary>
    private sealed class KeyTableRequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Uri.Path.Contains("PeekerApiKeys", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
