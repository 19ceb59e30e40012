using Microsoft.DurableTask;
using Peeker.Activities.Imports;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>What an import ended with.</summary>
public sealed record ImportDomainsOutcome(string ImportId, string Status, int Completed, int Failed);

/// <summary>
/// Imports customer-owned domains (instance id = import id): creates each domain's Cloudflare zone (five at a time) so
/// the import shows the nameservers, checks the zones once, publishes <c>domain_import.action_required</c> when some
/// still wait for the customer's nameserver switch, keeps checking on durable timers for up to the nameserver timeout
/// (72 h by default), then closes the import and publishes <c>domain_import.completed</c> (at least one domain is now in
/// inventory) or <c>domain_import.failed</c>.
/// </summary>
public sealed class ImportDomainsOrchestrator : TaskOrchestrator<ImportRef, ImportDomainsOutcome>
{
    /// <summary>Zones created at once.</summary>
    public const int Parallelism = 5;

    public override async Task<ImportDomainsOutcome> RunAsync(TaskOrchestrationContext context, ImportRef input)
    {
        var load = await context.LoadDomainImportAsync(input, ProvisioningRetries.Storage);
        var zones = new List<ImportZone>();
        var errored = new List<string>();
        foreach (var batch in load.Pending.Chunk(Parallelism))
        {
            var created = await Task.WhenAll(batch.Select(d => CreateZoneAsync(context, input, d)));
            zones.AddRange(created.Where(z => z.ZoneId.Length > 0));
            errored.AddRange(created.Where(z => z.ZoneId.Length == 0).Select(z => z.Domain));
        }

        if (zones.Count > 0)
        {
            var first = await context.CheckImportZonesAsync(new CheckImportZonesInput(input, zones, false), ProvisioningRetries.Provider);
            if (first.Pending.Count > 0)
            {
                await context.PublishImportEventAsync(
                    new PublishImportEventInput(input, "domain_import.action_required"),
                    ProvisioningRetries.Storage
                );
                try
                {
                    await context.CheckImportZonesAsync(
                        new CheckImportZonesInput(input, zones, true),
                        ProvisioningRetries.Nameservers(load.NameserverTimeout)
                    );
                }
                catch (TaskFailedException)
                {
                    // The waiting time is over: the domains still pending fail below.
                }
            }
        }

        var done = await context.FinishDomainImportAsync(
            new FinishDomainImportInput(input, errored, ImportFailureReason.NameserversNotSwitched),
            ProvisioningRetries.Storage
        );
        var type = done.Status == ImportStatus.Completed ? "domain_import.completed" : "domain_import.failed";
        await context.PublishImportEventAsync(new PublishImportEventInput(input, type), ProvisioningRetries.Storage);
        return new ImportDomainsOutcome(input.ImportId, done.Status, done.Completed, done.Failed);
    }

    private static async Task<ImportZone> CreateZoneAsync(TaskOrchestrationContext context, ImportRef import, string domain)
    {
        try
        {
            return await context.CreateImportZoneAsync(new CreateImportZoneInput(import, domain), ProvisioningRetries.Provider);
        }
        catch (TaskFailedException)
        {
            return new ImportZone(domain, "");
        }
    }
}
