using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;

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
        var zone = await cloudflare.Create(input.Import.Scope).CreateZoneAsync(input.Domain, CancellationToken.None);
        await imports.UpdateAsync(input.Import.Environment, input.Import.PartnerId, input.Import.ImportId,
            i => i.WithRow(input.Domain, r => r with { Nameservers = [.. zone.NameServers] }), CancellationToken.None);
        return new ImportZone(input.Domain, zone.Id);
    }
}

/// <summary>Typed call of <see cref="CreateImportZone"/> from an orchestration.</summary>
public static class CreateImportZoneExtensions
{
    /// <summary>Schedules <see cref="CreateImportZone"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<ImportZone> CreateImportZoneAsync(this TaskOrchestrationContext context, CreateImportZoneInput input, TaskOptions? options = null) =>
        context.CallActivityAsync<ImportZone>(nameof(CreateImportZone), input, options);
}
