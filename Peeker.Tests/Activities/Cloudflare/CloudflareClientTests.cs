using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Providers;
using Peeker.Activities.Registrar;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Cloudflare;

[Collection(SandboxServerGroup.Name)]
public sealed class CloudflareClientTests(SandboxServerFixture sandbox)
{
    private static readonly RegistrantContact Contact = new(
        "Ada",
        "Lovelace",
        "1 Main St",
        "Austin",
        "TX",
        "78701",
        "US",
        "+1.5125550100",
        "ada@example.org"
    );

    private ICloudflareClient Client(ProviderScope scope) => sandbox.Providers.GetRequiredService<ICloudflareClientFactory>().Create(scope);

    private IRegistrarClient Registrar(ProviderScope scope) =>
        sandbox.Providers.GetRequiredService<IRegistrarClientFactory>().Create(scope);

    [Fact]
    public async Task CreateZoneAsync_NewDomain_PendingWithTwoCloudflareNameservers()
    {
        var zone = await Client(SandboxServerFixture.NewPartner()).CreateZoneAsync("zone-new.com", default);

        Assert.Equal("pending", zone.Status);
        Assert.Equal(32, zone.Id.Length);
        Assert.Equal(2, zone.NameServers.Count);
        Assert.All(zone.NameServers, ns => Assert.EndsWith(".ns.cloudflare.com", ns, StringComparison.Ordinal));
        Assert.NotEqual(zone.NameServers[0], zone.NameServers[1]);
        Assert.False(zone.AlreadyExisted);
    }

    [Fact]
    public async Task CreateZoneAsync_Twice_SecondAnswersExistingZone()
    {
        var scope = SandboxServerFixture.NewPartner();
        var first = await Client(scope).CreateZoneAsync("zone-twice.com", default);

        var second = await Client(scope).CreateZoneAsync("zone-twice.com", default);

        Assert.True(second.AlreadyExisted);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.CloudflareZone));
    }

    [Fact]
    public async Task GetZoneAsync_AfterRegistrarDelegatesToAssignedPair_IsActive()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("zone-activate.com", default);
        await Registrar(scope).RegisterAsync(new RegisterDomainRequest("zone-activate.com", 1, zone.NameServers, Contact), default);

        await Client(scope).TriggerActivationCheckAsync(zone.Id, default);
        var active = await Client(scope).GetZoneAsync(zone.Id, default);

        Assert.Equal("active", active!.Status);
        Assert.NotNull(active.ActivatedOn);
    }

    [Fact]
    public async Task ActivationCheck_CustomerOwnedDomain_TheSimulatedCustomerSwitchesNameservers_UnlessNsfail()
    {
        var scope = SandboxServerFixture.NewPartner();
        var owned = await Client(scope).CreateZoneAsync("customer-owned.com", default);
        var stubborn = await Client(scope).CreateZoneAsync("nsfail-owned.com", default);
        var before = await Client(scope).GetZoneAsync(owned.Id, default);

        await Client(scope).TriggerActivationCheckAsync(owned.Id, default);
        await Client(scope).TriggerActivationCheckAsync(stubborn.Id, default);

        Assert.Equal("pending", before!.Status);
        Assert.Equal("active", (await Client(scope).GetZoneAsync(owned.Id, default))!.Status);
        Assert.Equal("pending", (await Client(scope).GetZoneAsync(stubborn.Id, default))!.Status);
    }

    [Fact]
    public async Task ActivationCheck_DomainAtTheSandboxRegistrarWithOtherNameservers_StaysPending()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("elsewhere-ns.com", default);
        await Registrar(scope)
            .RegisterAsync(new RegisterDomainRequest("elsewhere-ns.com", 1, ["ns1.other.example", "ns2.other.example"], Contact), default);

        await Client(scope).TriggerActivationCheckAsync(zone.Id, default);

        Assert.Equal("pending", (await Client(scope).GetZoneAsync(zone.Id, default))!.Status);
    }

    [Fact]
    public async Task GetZoneAsync_NsfailDomain_StaysPendingAfterDelegation()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("nsfail-brand.com", default);
        await Registrar(scope).RegisterAsync(new RegisterDomainRequest("nsfail-brand.com", 1, zone.NameServers, Contact), default);

        var after = await Client(scope).GetZoneAsync(zone.Id, default);

        Assert.Equal("pending", after!.Status);
    }

    [Fact]
    public async Task CreateZoneAsync_RateLimitedOnce_WaitsRetryAfterThenSucceeds()
    {
        // The simulator answers 429 with Retry-After: 1; the base delay is 10 ms, so only Retry-After explains a one-second wait.
        var time = new TimerRecordingTimeProvider();
        await using var providers = sandbox.BuildProviders(time: time);
        var client = providers.GetRequiredService<ICloudflareClientFactory>().Create(SandboxServerFixture.NewPartner());

        // The call ends within a minute whatever happens: disposing the providers waits (on the fake clock) for calls in flight.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var call = client.CreateZoneAsync("ratelimited-brand.com", bound.Token);
        await Wait.UntilAsync(() => time.DueTimes.Contains(TimeSpan.FromSeconds(1)) || call.IsCompleted);
        Assert.False(call.IsCompleted, "the call ended without waiting for Retry-After");
        time.Advance(TimeSpan.FromSeconds(1));
        var zone = await call;

        Assert.Equal("pending", zone.Status);
    }

    [Fact]
    public async Task CreateDnsRecordAsync_IdenticalRecord_AnswersAlreadyExistedAndStoresOne()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("zone-records.com", default);
        var mx = new DnsRecordInput("MX", "@", "smtp.google.com", Ttl: 3600, Priority: 1);

        var first = await Client(scope).CreateDnsRecordAsync(zone.Id, mx, default);
        var second = await Client(scope).CreateDnsRecordAsync(zone.Id, mx, default);

        Assert.False(first.AlreadyExisted);
        Assert.Equal("zone-records.com", first.Record!.Name);
        Assert.Equal(1, first.Record.Priority);
        Assert.True(second.AlreadyExisted);
        Assert.Single(await Client(scope).ListDnsRecordsAsync(zone.Id, "MX", null, default));
    }

    [Fact]
    public async Task CreateDnsRecordAsync_ProxiedTxt_FailsNonRetryableWithCloudflareCode()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("zone-proxied.com", default);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", "v=spf1 -all", Proxied: true), default)
        );

        Assert.Equal("9004", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task BatchDnsRecordsAsync_120Posts_AreAllListedAcrossPages()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("zone-batch.com", default);
        var posts = Enumerable.Range(0, 120).Select(i => new DnsRecordInput("TXT", $"r{i}", $"value-{i}")).ToList();

        var created = await Client(scope).BatchDnsRecordsAsync(zone.Id, [], posts, default);
        var listed = await Client(scope).ListDnsRecordsAsync(zone.Id, null, null, default);

        Assert.Equal(120, created.Count);
        Assert.Equal(120, listed.Count);
    }

    [Fact]
    public async Task BatchDnsRecordsAsync_OneInvalidPost_AppliesNothing()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("zone-atomic.com", default);
        var existing = (await Client(scope).CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", "keep"), default)).Record!;

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope)
                .BatchDnsRecordsAsync(
                    zone.Id,
                    [existing.Id],
                    [new DnsRecordInput("TXT", "@", "new"), new DnsRecordInput("MX", "@", "mx.example.net")],
                    default
                )
        );

        Assert.Equal("9101", error.Code);
        var listed = await Client(scope).ListDnsRecordsAsync(zone.Id, null, null, default);
        Assert.Equal(["keep"], listed.Select(r => r.Content));
    }

    [Fact]
    public async Task SetForwardingAsync_WritesOneRedirectRule()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("zone-forward.com", default);

        await Client(scope).SetForwardingAsync(zone.Id, "zone-forward.com", "https://brand.example/", 301, default);
        await Client(scope).SetForwardingAsync(zone.Id, "zone-forward.com", "https://brand.example/", 301, default);

        var rulesets = await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.CloudflareRuleset);
        var ruleset = Assert.Single(rulesets);
        Assert.Equal(2, ruleset.GetProperty("version").GetInt32());
        Assert.Contains("https://brand.example/", ruleset.GetProperty("rulesJson").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteZoneAsync_RemovesZoneAndRecords_SecondDeleteIsNoOp()
    {
        var scope = SandboxServerFixture.NewPartner();
        var zone = await Client(scope).CreateZoneAsync("zone-delete.com", default);
        await Client(scope).CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", "x"), default);

        await Client(scope).DeleteZoneAsync(zone.Id, default);
        await Client(scope).DeleteZoneAsync(zone.Id, default);

        Assert.Null(await Client(scope).GetZoneAsync(zone.Id, default));
        Assert.Equal(0, await sandbox.CountAsync(scope, SandboxKinds.CloudflareRecord));
    }

    /// <summary>A fake clock that remembers the due time of every timer made on it (Polly's retry delay is one).</summary>
    private sealed class TimerRecordingTimeProvider : FakeTimeProvider
    {
        private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();

        public IReadOnlyCollection<TimeSpan> DueTimes => _dueTimes;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _dueTimes.Enqueue(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
