using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Imports;

/// <summary>
/// Accepts <c>POST /domains/import</c> and <c>POST /domains/import/jobs</c>: normalises the names, fails the ones that
/// cannot be imported (not a root domain, already the partner's, on someone's active order, held by another partner)
/// as rows, takes the others for the partner (<see cref="DomainStore.TryOwnAsync"/>), stores an
/// <c>in_progress</c> import and starts its orchestration, which creates the zones and waits for the nameservers.
/// The same normalised set of names from the same partner within 24 hours returns the import it created
/// (<see cref="ImportIdempotencyStore"/>; not one that failed). Synchronous imports are bounded per host by
/// <see cref="ProvisioningOptions.SyncImportCapacity"/> (429 <c>cloudflare_account_capacity</c> past it); in the sandbox a
/// name containing <see cref="CapacityFaultWord"/> rehearses that answer.
/// </summary>
public sealed class DomainImports(
    DomainStore domains,
    DomainImportStore imports,
    ImportIdempotencyStore idempotency,
    IOrderWorkflows workflows,
    TimeProvider time,
    IOptions<ProvisioningOptions> options
)
{
    /// <summary>The sandbox fault word that makes a synchronous import find every Cloudflare account busy.</summary>
    public const string CapacityFaultWord = "cfbusy";

    private int _syncInFlight;

    /// <summary>Most names per synchronous import.</summary>
    public const int MaxNames = 25;

    /// <summary>Most names per import job.</summary>
    public const int MaxJobNames = 500;

    /// <summary>
    /// Creates and starts an import. With <paramref name="waitForNameservers"/> (the synchronous endpoint) it waits up to
    /// <see cref="ProvisioningOptions.ImportResponseWait"/> for the zones, so the answer shows the nameservers.
    /// </summary>
    public async Task<DomainImport> CreateAsync(
        ProviderScope scope,
        IReadOnlyList<string> names,
        bool waitForNameservers,
        CancellationToken cancellationToken
    )
    {
        var normalizedNames = names.Select(raw => DomainNames.Normalize(raw) ?? raw.Trim().ToLowerInvariant()).ToList();
        var importId = Ids.New("imp", time);
        var setKey = ImportIdempotencyStore.KeyOf(normalizedNames);
        var winner = await idempotency.ReserveAsync(
            scope.Environment,
            scope.PartnerId,
            setKey,
            importId,
            async id =>
                await imports.GetAsync(scope.Environment, scope.PartnerId, id, cancellationToken) is { } i
                    ? i.Status != ImportStatus.Failed
                    : null,
            cancellationToken
        );
        if (winner != importId)
        {
            var existing =
                await imports.GetAsync(scope.Environment, scope.PartnerId, winner, cancellationToken)
                ?? throw new ApiException(
                    409,
                    ErrorCodes.InvalidRequest,
                    "An identical import is being created right now; retry in a few seconds."
                );
            return waitForNameservers ? await WaitForZonesAsync(scope, existing, cancellationToken) : existing;
        }

        if (!waitForNameservers)
        {
            return await CreateNewAsync(scope, normalizedNames, importId, setKey, waitForNameservers, cancellationToken);
        }

        var busy =
            scope.Environment == PeekerEnvironment.Test
            && normalizedNames.Any(n => n.Contains(CapacityFaultWord, StringComparison.Ordinal));
        try
        {
            if (busy || Interlocked.Increment(ref _syncInFlight) > options.Value.SyncImportCapacity)
            {
                await idempotency.ReleaseAsync(scope.Environment, scope.PartnerId, setKey, importId, CancellationToken.None);
                throw CapacityBusy();
            }

            return await CreateNewAsync(scope, normalizedNames, importId, setKey, waitForNameservers, cancellationToken);
        }
        finally
        {
            if (!busy)
            {
                Interlocked.Decrement(ref _syncInFlight);
            }
        }
    }

    /// <summary>429 <c>rate_limited</c>, <c>details.reason: cloudflare_account_capacity</c> (spec 2.4): nothing was stored.</summary>
    private ApiException CapacityBusy() =>
        new(
            429,
            ErrorCodes.RateLimited,
            "Every Cloudflare account is busy with synchronous imports; retry after retry_after_seconds or use POST /domains/import/jobs.",
            null,
            new Dictionary<string, object?>
            {
                ["reason"] = "cloudflare_account_capacity",
                ["retry_after_seconds"] = Math.Max(1, (int)Math.Ceiling(options.Value.ImportResponseWait.TotalSeconds)),
            }
        );

    private async Task<DomainImport> CreateNewAsync(
        ProviderScope scope,
        IReadOnlyList<string> normalizedNames,
        string importId,
        string setKey,
        bool waitForNameservers,
        CancellationToken cancellationToken
    )
    {
        var taken = new List<string>();
        DomainImport import;
        try
        {
            var rows = new List<ImportDomainRow>();
            foreach (var name in normalizedNames)
            {
                if (rows.Any(r => r.Domain == name))
                {
                    continue;
                }

                var normalized = DomainNames.Normalize(name);
                var reason =
                    normalized is null || !DomainNames.IsRoot(normalized) ? ImportFailureReason.NotRootDomain
                    : (await domains.FindByNameAsync(scope.Environment, scope.PartnerId, name, cancellationToken)).Count > 0
                        ? ImportFailureReason.AlreadyInAccount
                    : await domains.ActiveOrderOfAsync(scope.Environment, name, cancellationToken) is not null ? ImportFailureReason.InUse
                    : await TakeAsync(scope, name, importId, taken, cancellationToken);
                rows.Add(new ImportDomainRow(name, reason is null ? ImportDomainStatus.Pending : ImportDomainStatus.Failed, reason, null));
            }

            import = new DomainImport(importId, ImportStatus.InProgress, [], rows, time.GetUtcNow(), null);
            await imports.CreateAsync(scope.Environment, scope.PartnerId, import, cancellationToken);
        }
        catch
        {
            await ReleaseAsync(scope, taken);
            await idempotency.ReleaseAsync(scope.Environment, scope.PartnerId, setKey, importId, CancellationToken.None);
            throw;
        }

        try
        {
            await workflows.StartImportAsync(scope.Environment, scope.PartnerId, import.Id, cancellationToken);
        }
        catch
        {
            // Never leave an import "in_progress" that nothing runs, nor names held for it.
            await imports.UpdateAsync(
                scope.Environment,
                scope.PartnerId,
                import.Id,
                i => i with { Status = ImportStatus.Failed, CompletedAt = time.GetUtcNow() },
                CancellationToken.None
            );
            await ReleaseAsync(scope, taken);
            throw;
        }

        return waitForNameservers ? await WaitForZonesAsync(scope, import, cancellationToken) : import;
    }

    /// <summary>Takes the name for this partner: null when it may be imported, <c>domain_in_use</c> when another partner holds it.</summary>
    private async Task<string?> TakeAsync(
        ProviderScope scope,
        string name,
        string importId,
        List<string> taken,
        CancellationToken cancellationToken
    )
    {
        switch (await domains.TryOwnAsync(scope.Environment, name, scope.PartnerId, importId, time.GetUtcNow(), cancellationToken))
        {
            case DomainOwnership.HeldByOther:
                return ImportFailureReason.InUse;
            case DomainOwnership.Acquired:
                taken.Add(name);
                return null;
            default:
                return null;
        }
    }

    private async Task ReleaseAsync(ProviderScope scope, IEnumerable<string> taken)
    {
        foreach (var name in taken)
        {
            await domains.ReleaseOwnershipAsync(scope.Environment, name, scope.PartnerId, CancellationToken.None);
        }
    }

    private async Task<DomainImport> WaitForZonesAsync(ProviderScope scope, DomainImport import, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.ImportResponseWait;
        var current = import;
        while (current.Domains.Any(r => r.Status == ImportDomainStatus.Pending && r.Nameservers is null) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            current = await imports.GetAsync(scope.Environment, scope.PartnerId, import.Id, cancellationToken) ?? current;
        }

        return current;
    }
}
