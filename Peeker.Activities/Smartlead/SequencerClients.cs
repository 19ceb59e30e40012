using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Smartlead;

/// <summary>What the sequencer said about a client id.</summary>
public enum SequencerClientStatus
{
    /// <summary>The agency has this client.</summary>
    Known,

    /// <summary>The sequencer answered, and this client is not among the agency's.</summary>
    Unknown,

    /// <summary>The sequencer could not be asked (outage, rate limit, not configured): the order goes ahead.</summary>
    Unverified,
}

/// <summary>Checks an order's <c>sequencer.client_id</c> before anything is bought.</summary>
public interface ISequencerClients
{
    /// <summary>Whether the caller's sequencer account has client <paramref name="clientId"/>.</summary>
    Task<SequencerClientStatus> CheckAsync(ProviderScope scope, long clientId, CancellationToken cancellationToken);
}

/// <summary>
/// Asks Smartlead for the agency's clients (<c>GET /client/</c>). A Smartlead that cannot answer does not reject the
/// order: an order must not fail on someone else's outage; a wrong id then fails the order's sequencer step
/// (<c>sequencer_failed</c>) before any mailbox is filed under a stranger's client.
/// </summary>
public sealed class SmartleadSequencerClients(ISmartleadClientFactory smartlead, ILogger<SmartleadSequencerClients> logger) : ISequencerClients
{
    /// <inheritdoc />
    public async Task<SequencerClientStatus> CheckAsync(ProviderScope scope, long clientId, CancellationToken cancellationToken)
    {
        try
        {
            var clients = await smartlead.Create(scope).ListClientsAsync(cancellationToken);
            return clients.Any(c => c.Id == clientId) ? SequencerClientStatus.Known : SequencerClientStatus.Unknown;
        }
        catch (ProviderException ex)
        {
            logger.LogWarning("Smartlead client {ClientId} of partner {PartnerId} could not be checked ({Code}); accepting the order",
                clientId, scope.PartnerId, ex.Code);
            return SequencerClientStatus.Unverified;
        }
    }
}
