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
/// </summary>
public sealed class DomainImports(DomainStore domains, DomainImportStore imports, IOrderWorkflows workflows, TimeProvider time, IOptions<ProvisioningOptions> options)
{
    /// <summary>Most names per synchronous import.</summary>
    public const int MaxNames = 25;

    /// <summary>Most names per import job.</summary>
    public const int MaxJobNames = 500;

    /// <summary>
    /// Creates and starts an import. With <paramref name="waitForNameservers"/> (the synchronous endpoint) it waits up to
    /// <see cref="ProvisioningOptions.ImportResponseWait"/> for the zones, so the answer shows the nameservers.
    /// </summary>
    public async Task<DomainImport> CreateAsync(ProviderScope scope, IReadOnlyList<string> names, bool waitForNameservers, CancellationToken cancellationToken)
    {
        var importId = Ids.New("imp", time);
        var taken = new List<string>();
        DomainImport import;
        try
        {
            var rows = new List<ImportDomainRow>();
            foreach (var raw in names)
            {
                var normalized = DomainNames.Normalize(raw);
                var name = normalized ?? raw.Trim().ToLowerInvariant();
                if (rows.Any(r => r.Domain == name))
                {
                    continue;
                }

                var reason = normalized is null || !DomainNames.IsRoot(normalized) ? ImportFailureReason.NotRootDomain
                    : (await domains.FindByNameAsync(scope.Environment, scope.PartnerId, name, cancellationToken)).Count > 0 ? ImportFailureReason.AlreadyInAccount
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
            throw;
        }

        try
        {
            await workflows.StartImportAsync(scope.Environment, scope.PartnerId, import.Id, cancellationToken);
        }
        catch
        {
            // Never leave an import "in_progress" that nothing runs, nor names held for it.
            await imports.UpdateAsync(scope.Environment, scope.PartnerId, import.Id, i => i with { Status = ImportStatus.Failed, CompletedAt = time.GetUtcNow() }, CancellationToken.None);
            await ReleaseAsync(scope, taken);
            throw;
        }

        return waitForNameservers ? await WaitForZonesAsync(scope, import, cancellationToken) : import;
    }

    /// <summary>Takes the name for this partner: null when it may be imported, <c>domain_in_use</c> when another partner holds it.</summary>
    private async Task<string?> TakeAsync(ProviderScope scope, string name, string importId, List<string> taken, CancellationToken cancellationToken)
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
