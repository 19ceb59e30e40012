using Peeker.Activities.Cloudflare;
using Peeker.Durable;

namespace Peeker.Activities.Imports;

public sealed record CreateImportZoneInput(ImportRef Import, string Domain);

/// <summary>
/// Creates the imported domain's Cloudflare zone and shows its nameservers on the import (what the customer sets at
/// their registrar).
/// </summary>
/// <remarks>Idempotent: Cloudflare's 1061 "zone exists" answers the existing zone; the row write is absolute. Compensation: none (a zone that never activates is removed by Cloudflare).</remarks>
public sealed class CreateImportZone(ICloudflareClientFactory cloudflare, DomainImportStore imports) : TaskActivity<CreateImportZoneInput, ImportZone>
{
    public override async Task<ImportZone> RunAsync(TaskActivityContext context, CreateImportZoneInput input)
    {
        var zone = await cloudflare.Create(input.Import.Scope).CreateZoneAsync(input.Domain, context.CancellationToken);
        await imports.UpdateAsync(input.Import.Environment, input.Import.PartnerId, input.Import.ImportId,
            i => i.WithRow(input.Domain, r => r with { Nameservers = [.. zone.NameServers] }), context.CancellationToken);
        return new ImportZone(input.Domain, zone.Id);
    }
}
