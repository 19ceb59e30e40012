using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Imports;

/// <summary>The names still to import, and the nameserver waiting time in force when the import started.</summary>
public sealed record LoadDomainImportResult(IReadOnlyList<string> Pending, TimeSpan NameserverTimeout);

/// <summary>Reads the import (it lands in history, so replays see the same names).</summary>
/// <remarks>Read-only; idempotent.</remarks>
public sealed class LoadDomainImport(DomainImportStore imports, IOptions<ProvisioningOptions> options)
    : TaskActivity<ImportRef, LoadDomainImportResult>
{
    public override async Task<LoadDomainImportResult> RunAsync(TaskActivityContext context, ImportRef input)
    {
        var import =
            await imports.GetAsync(input.Environment, input.PartnerId, input.ImportId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Import {input.ImportId} does not exist.");
        return new LoadDomainImportResult(
            [.. import.Domains.Where(r => r.Status == ImportDomainStatus.Pending).Select(r => r.Domain)],
            options.Value.ImportNameserverTimeout
        );
    }
}

/// <summary>Typed call of <see cref="LoadDomainImport"/> from an orchestration.</summary>
public static class LoadDomainImportExtensions
{
    /// <summary>Schedules <see cref="LoadDomainImport"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<LoadDomainImportResult> LoadDomainImportAsync(
        this TaskOrchestrationContext context,
        ImportRef input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<LoadDomainImportResult>(nameof(LoadDomainImport), input, options);
}
