using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Common;
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
/// Asks Smartlead for the agency's clients (<c>GET /client/</c>). The list is kept per partner and environment for
/// <see cref="CacheFor"/> (Smartlead allows 60 calls a minute per key); an id missing from a kept list is asked again
/// once, so a client created a moment ago is found. Checks that miss together share one call per partner (a burst of
/// orders would otherwise send a call each, and spend the partner's Smartlead budget); one that joined a call already on
/// its way and does not find its id asks once more itself. A Smartlead that cannot answer does not reject the order: an order
/// must not fail on someone else's outage; a wrong id then fails the order's sequencer step (<c>sequencer_failed</c>).
/// </summary>
public sealed class SmartleadSequencerClients(
    ISmartleadClientFactory smartlead,
    TimeProvider time,
    ILogger<SmartleadSequencerClients> logger
) : ISequencerClients
{
    /// <summary>How long a fetched client list answers for its partner.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<(PeekerEnvironment, string), (DateTimeOffset At, HashSet<long> Ids)> _lists = new();
    private readonly ConcurrentDictionary<(PeekerEnvironment, string), Task<HashSet<long>>> _fetching = new();

    /// <inheritdoc />
    public async Task<SequencerClientStatus> CheckAsync(ProviderScope scope, long clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var key = (scope.Environment, scope.PartnerId);
        if (_lists.TryGetValue(key, out var kept) && time.GetUtcNow() - kept.At < CacheFor && kept.Ids.Contains(clientId))
        {
            return SequencerClientStatus.Known;
        }

        try
        {
            var (ids, joined) = await FetchAsync(scope, key, cancellationToken);
            if (joined && !ids.Contains(clientId))
            {
                // The shared call may have left before this client was created.
                (ids, _) = await FetchAsync(scope, key, cancellationToken);
            }

            return ids.Contains(clientId) ? SequencerClientStatus.Known : SequencerClientStatus.Unknown;
        }
        catch (ProviderException ex)
        {
            logger.LogWarning(
                "Smartlead client {ClientId} of partner {PartnerId} could not be checked ({Code}); accepting the order",
                clientId,
                scope.PartnerId,
                ex.Code
            );
            return SequencerClientStatus.Unverified;
        }
    }

    /// <summary>The partner's client ids from a call already on its way (joined: true) or from a new one, which fills the cache.</summary>
    private async Task<(HashSet<long> Ids, bool Joined)> FetchAsync(
        ProviderScope scope,
        (PeekerEnvironment, string) key,
        CancellationToken cancellationToken
    )
    {
        var mine = new TaskCompletionSource<HashSet<long>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetch = _fetching.GetOrAdd(key, mine.Task);
        if (fetch != mine.Task)
        {
            return (await fetch.WaitAsync(cancellationToken), true);
        }

        // The call leaves the shared slot before its waiters wake: a waiter that asks again must start a new call, not
        // join this finished one.
        try
        {
            // Not the caller's token: the others waiting on this call must not fail because this request went away.
            var ids = (await smartlead.Create(scope).ListClientsAsync(CancellationToken.None)).Select(c => c.Id).ToHashSet();
            _lists[key] = (time.GetUtcNow(), ids);
            _fetching.TryRemove(KeyValuePair.Create(key, mine.Task));
            mine.SetResult(ids);
        }
        catch (Exception ex)
        {
            _fetching.TryRemove(KeyValuePair.Create(key, mine.Task));
            mine.SetException(ex);
        }

        return (await mine.Task.WaitAsync(cancellationToken), false);
    }
}
