using Peeker.Activities.Providers;
using Peeker.Activities.Smartlead;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>The Partner API hosts' Smartlead client check: every id is the agency's except <see cref="UnknownClientId"/>.</summary>
public sealed class FakeSequencerClients : ISequencerClients
{
    public const long UnknownClientId = 404404;

    public Task<SequencerClientStatus> CheckAsync(ProviderScope scope, long clientId, CancellationToken cancellationToken) =>
        Task.FromResult(clientId == UnknownClientId ? SequencerClientStatus.Unknown : SequencerClientStatus.Known);
}
