using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Activities.Providers;
using Peeker.Activities.Smartlead;
using Peeker.Tests.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Smartlead;

/// <summary>An order's <c>sequencer.client_id</c> checked against the agency's Smartlead clients (the simulator over HTTP).</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class SequencerClientsTests(SandboxServerFixture sandbox)
{
    private ISequencerClients Clients => sandbox.Providers.GetRequiredService<ISequencerClients>();

    [Fact]
    public async Task CheckAsync_ClientOfTheAgency_IsKnown()
    {
        Assert.Equal(SequencerClientStatus.Known, await Clients.CheckAsync(SandboxServerFixture.NewPartner(), 366903, default));
    }

    [Fact]
    public async Task CheckAsync_ClientSmartleadDoesNotList_IsUnknown()
    {
        Assert.Equal(SequencerClientStatus.Unknown, await Clients.CheckAsync(SandboxServerFixture.NewPartner(), 404404, default));
    }

    [Fact]
    public async Task CheckAsync_SmartleadCannotAnswer_IsUnverifiedSoTheOrderGoesAhead()
    {
        var clients = new SmartleadSequencerClients(
            new FailingSmartlead(),
            TimeProvider.System,
            NullLogger<SmartleadSequencerClients>.Instance
        );

        Assert.Equal(SequencerClientStatus.Unverified, await clients.CheckAsync(SandboxServerFixture.NewPartner(), 7, default));
    }

    [Fact]
    public async Task ListClientsAsync_Simulator_ListsTheSandboxAgencysClients()
    {
        var listed = await sandbox
            .Providers.GetRequiredService<ISmartleadClientFactory>()
            .Create(SandboxServerFixture.NewPartner())
            .ListClientsAsync(default);

        Assert.Equal(3000, listed.Count);
        Assert.Contains(listed, c => c.Id == 2999);
        Assert.Contains(listed, c => c.Id == 366903);
        Assert.DoesNotContain(listed, c => c.Id == 404404);
    }

    [Fact]
    public async Task CheckAsync_KeepsTheListFiveMinutes_AsksAgainForAnIdItLacks()
    {
        var time = new global::Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var smartlead = new CountingSmartlead();
        var clients = new SmartleadSequencerClients(smartlead, time, NullLogger<SmartleadSequencerClients>.Instance);
        var scope = SandboxServerFixture.NewPartner();

        await clients.CheckAsync(scope, 7, default);
        await clients.CheckAsync(scope, 7, default);
        var kept = smartlead.Calls;
        smartlead.Ids.Add(8);
        var added = await clients.CheckAsync(scope, 8, default);
        time.Advance(SmartleadSequencerClients.CacheFor);
        await clients.CheckAsync(scope, 7, default);

        Assert.Equal(1, kept);
        Assert.Equal(SequencerClientStatus.Known, added);
        Assert.Equal(3, smartlead.Calls);
    }

    [Fact]
    public async Task CheckAsync_ChecksThatMissTogether_ShareOneCall()
    {
        var smartlead = new GatedSmartlead();
        var clients = new SmartleadSequencerClients(smartlead, TimeProvider.System, NullLogger<SmartleadSequencerClients>.Instance);
        var scope = SandboxServerFixture.NewPartner();

        var checks = Enumerable.Range(0, 5).Select(_ => clients.CheckAsync(scope, 7, default)).ToList();
        await Wait.UntilAsync(() => smartlead.Calls >= 1);
        smartlead.Release(checks.Count); // enough for a call each, should they not share
        var statuses = await Task.WhenAll(checks);

        Assert.All(statuses, s => Assert.Equal(SequencerClientStatus.Known, s));
        Assert.Equal(1, smartlead.Calls);
    }

    [Fact]
    public async Task CheckAsync_JoinedCallLacksTheId_AsksOnceMoreItself()
    {
        var smartlead = new GatedSmartlead();
        var clients = new SmartleadSequencerClients(smartlead, TimeProvider.System, NullLogger<SmartleadSequencerClients>.Instance);
        var scope = SandboxServerFixture.NewPartner();

        var first = clients.CheckAsync(scope, 7, default);
        await Wait.UntilAsync(() => smartlead.Calls == 1);
        var joined = clients.CheckAsync(scope, 8, default);
        smartlead.Release();
        Assert.Equal(SequencerClientStatus.Known, await first);
        smartlead.Ids.Add(8); // created while the shared call was on its way
        smartlead.Release();

        Assert.Equal(SequencerClientStatus.Known, await joined);
        Assert.Equal(2, smartlead.Calls);
    }

    /// <summary>Answers each list call only when released, with the ids it holds then.</summary>
    private sealed class GatedSmartlead : ISmartleadClientFactory, ISmartleadClient
    {
        private readonly System.Threading.Channels.Channel<bool> _releases = System.Threading.Channels.Channel.CreateUnbounded<bool>();
        private int _calls;

        public HashSet<long> Ids { get; } = [7];

        public int Calls => Volatile.Read(ref _calls);

        public void Release(int count = 1)
        {
            for (var i = 0; i < count; i++)
            {
                _releases.Writer.TryWrite(true);
            }
        }

        public ISmartleadClient Create(ProviderScope scope, string? apiKey = null) => this;

        public async Task<IReadOnlyList<SmartleadClientInfo>> ListClientsAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await _releases.Reader.ReadAsync(cancellationToken);
            return [.. Ids.Select(id => new SmartleadClientInfo(id, null))];
        }

        public Task<SmartleadAccount> SaveEmailAccountAsync(SmartleadEmailAccount account, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> DeleteEmailAccountAsync(long accountId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<SmartleadAccount>> ListEmailAccountsAsync(CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<SmartleadAccount> UpdateEmailAccountAsync(
            long accountId,
            SmartleadAccountUpdate update,
            CancellationToken cancellationToken
        ) => throw new NotSupportedException();
    }

    private sealed class CountingSmartlead : ISmartleadClientFactory, ISmartleadClient
    {
        public HashSet<long> Ids { get; } = [7];

        public int Calls { get; private set; }

        public ISmartleadClient Create(ProviderScope scope, string? apiKey = null) => this;

        public Task<IReadOnlyList<SmartleadClientInfo>> ListClientsAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<SmartleadClientInfo>>([.. Ids.Select(id => new SmartleadClientInfo(id, null))]);
        }

        public Task<SmartleadAccount> SaveEmailAccountAsync(SmartleadEmailAccount account, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<SmartleadAccount>> ListEmailAccountsAsync(CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> DeleteEmailAccountAsync(long accountId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SmartleadAccount> UpdateEmailAccountAsync(
            long accountId,
            SmartleadAccountUpdate update,
            CancellationToken cancellationToken
        ) => throw new NotSupportedException();
    }

    private sealed class FailingSmartlead : ISmartleadClientFactory
    {
        public ISmartleadClient Create(ProviderScope scope, string? apiKey = null) =>
            throw new ProviderException(ProviderNames.Smartlead, "http_503", "Service Unavailable", isRetryable: true);
    }
}
