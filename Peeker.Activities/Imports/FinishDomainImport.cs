using Microsoft.DurableTask;
using Peeker.Activities.Domains;

namespace Peeker.Activities.Imports;

/// <summary><see cref="Errored"/>: domains whose zone could not be created; every other row still pending fails with <see cref="PendingReason"/>.</summary>
public sealed record FinishDomainImportInput(ImportRef Import, IReadOnlyList<string> Errored, string PendingReason);

public sealed record FinishDomainImportResult(string Status, int Completed, int Failed);

/// <summary>
/// Closes the import: leftover rows fail with their reason; <c>completed</c> when at least one domain was imported, else
/// <c>failed</c>. The partner lets go of each failed name it holds for nothing else (no domain row, no active order, no
/// newer import of the name), so another partner may import or order it.
/// </summary>
/// <remarks>Idempotent: only pending rows change; <c>completed_at</c> is written once; releasing a released name does nothing.</remarks>
public sealed class FinishDomainImport(DomainImportStore imports, DomainStore domains, TimeProvider time)
    : TaskActivity<FinishDomainImportInput, FinishDomainImportResult>
{
    public override async Task<FinishDomainImportResult> RunAsync(TaskActivityContext context, FinishDomainImportInput input)
    {
        var import =
            await imports.UpdateAsync(
                input.Import.Environment,
                input.Import.PartnerId,
                input.Import.ImportId,
                i =>
                {
                    var rows = i
                        .Domains.Select(r =>
                            r.Status != ImportDomainStatus.Pending
                                ? r
                                : r with
                                {
                                    Status = ImportDomainStatus.Failed,
                                    Reason = input.Errored.Contains(r.Domain) ? ImportFailureReason.InternalError : input.PendingReason,
                                }
                        )
                        .ToList();
                    var status = rows.Any(r => r.Status == ImportDomainStatus.Completed) ? ImportStatus.Completed : ImportStatus.Failed;
                    return i with
                    {
                        Domains = rows,
                        NameserverGroups = DomainImport.GroupsOf(rows),
                        Status = status,
                        CompletedAt = i.CompletedAt ?? time.GetUtcNow(),
                    };
                },
                CancellationToken.None
            ) ?? throw new InvalidOperationException($"Import {input.Import.ImportId} does not exist.");
        foreach (var row in import.Domains.Where(r => r.Status == ImportDomainStatus.Failed && DomainNames.Normalize(r.Domain) == r.Domain))
        {
            await ReleaseIfUnusedAsync(input.Import, row.Domain);
        }

        return new FinishDomainImportResult(
            import.Status,
            import.Domains.Count(r => r.Status == ImportDomainStatus.Completed),
            import.Domains.Count(r => r.Status == ImportDomainStatus.Failed)
        );
    }

    private async Task ReleaseIfUnusedAsync(ImportRef import, string domain)
    {
        var (env, partner, ct) = (import.Environment, import.PartnerId, CancellationToken.None);
        if (
            (await domains.FindByNameAsync(env, partner, domain, ct)).Count > 0
            || await domains.ActiveOrderOfAsync(env, domain, ct) is not null
            || (await imports.LookupAsync(env, partner, [domain], ct)).Any(r => r.ImportId != import.ImportId)
        )
        {
            return;
        }

        await domains.ReleaseOwnershipAsync(env, domain, partner, ct);
    }
}

/// <summary>Typed call of <see cref="FinishDomainImport"/> from an orchestration.</summary>
public static class FinishDomainImportExtensions
{
    /// <summary>Schedules <see cref="FinishDomainImport"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<FinishDomainImportResult> FinishDomainImportAsync(
        this TaskOrchestrationContext context,
        FinishDomainImportInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<FinishDomainImportResult>(nameof(FinishDomainImport), input, options);
}
