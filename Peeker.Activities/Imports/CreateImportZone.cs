using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Domains;

namespace Peeker.Activities.Imports;

public sealed record CreateImportZoneInput(ImportRef Import, string Domain);

/// <summary>
/// Creates the imported domain's Cloudflare zone and shows its nameservers on the import (what the customer sets at
/// their registrar). A name another partner holds, or whose existing zone is not ours, fails its row with
/// <c>domain_in_use</c> and answers an empty zone id.
/// </summary>
/// <remarks>
/// Idempotent: the name is taken for the partner (or already is), Cloudflare's 1061 "zone exists" answers only our own
/// zone (recorded, or created after we took the name), the row write is absolute. Records the zone id with the name's
/// owner. Compensation: none here; <see cref="FinishDomainImport"/> releases the names of failed rows.
/// </remarks>
public sealed class CreateImportZone(ICloudflareClientFactory cloudflare, DomainImportStore imports, DomainStore domains, TimeProvider time)
    : TaskActivity<CreateImportZoneInput, ImportZone>
{
    public override async Task<ImportZone> RunAsync(TaskActivityContext context, CreateImportZoneInput input)
    {
        var scope = input.Import.Scope;
        var zone = await OwnedZones.CreateOrReuseAsync(
            cloudflare.Create(scope),
            domains,
            scope,
            input.Domain,
            input.Import.ImportId,
            time.GetUtcNow(),
            CancellationToken.None
        );
        await imports.UpdateAsync(
            input.Import.Environment,
            input.Import.PartnerId,
            input.Import.ImportId,
            i =>
                i.WithRow(
                    input.Domain,
                    r =>
                        zone is null
                            ? r with
                            {
                                Status = ImportDomainStatus.Failed,
                                Reason = ImportFailureReason.InUse,
                            }
                            : r with
                            {
                                Nameservers = [.. zone.NameServers],
                            }
                ),
            CancellationToken.None
        );
        return new ImportZone(input.Domain, zone?.Id ?? "");
    }
}

/// <summary>Typed call of <see cref="CreateImportZone"/> from an orchestration.</summary>
public static class CreateImportZoneExtensions
{
    /// <summary>Schedules <see cref="CreateImportZone"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<ImportZone> CreateImportZoneAsync(
        this TaskOrchestrationContext context,
        CreateImportZoneInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<ImportZone>(nameof(CreateImportZone), input, options);
}
