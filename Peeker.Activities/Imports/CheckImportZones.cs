using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Imports;

/// <summary>The zones of <see cref="Zones"/> to check; with <see cref="ThrowWhilePending"/> the call fails (to be retried on durable timers) while any is pending.</summary>
public sealed record CheckImportZonesInput(ImportRef Import, IReadOnlyList<ImportZone> Zones, bool ThrowWhilePending);

/// <summary>The domains still waiting for their nameservers.</summary>
public sealed record CheckImportZonesResult(IReadOnlyList<string> Pending);

/// <summary>
/// Asks Cloudflare to re-check each pending zone; a zone that is active completes its row and puts the domain in the
/// partner's inventory (<c>available</c>), ready to be ordered, provided the partner still owns the name (else the row
/// fails with <c>domain_in_use</c>).
/// </summary>
/// <remarks>Idempotent: completed rows are skipped, the inventory row is keyed by the name's existing id or a new one saved once.</remarks>
public sealed class CheckImportZones(
    ICloudflareClientFactory cloudflare,
    DomainImportStore imports,
    DomainStore domains,
    OrderPlanner planner,
    TimeProvider time
) : TaskActivity<CheckImportZonesInput, CheckImportZonesResult>
{
    public override async Task<CheckImportZonesResult> RunAsync(TaskActivityContext context, CheckImportZonesInput input)
    {
        var ct = CancellationToken.None;
        var (env, partner) = (input.Import.Environment, input.Import.PartnerId);
        var client = cloudflare.Create(input.Import.Scope);
        var import =
            await imports.GetAsync(env, partner, input.Import.ImportId, ct)
            ?? throw new InvalidOperationException($"Import {input.Import.ImportId} does not exist.");
        var pending = new List<string>();
        foreach (
            var zone in input.Zones.Where(z => import.Domains.Any(r => r.Domain == z.Domain && r.Status == ImportDomainStatus.Pending))
        )
        {
            var current = await client.GetZoneAsync(zone.ZoneId, ct);
            if (current is { Status: not "active" })
            {
                await client.TriggerActivationCheckAsync(zone.ZoneId, ct);
                current = await client.GetZoneAsync(zone.ZoneId, ct);
            }

            if (current is not { Status: "active" })
            {
                pending.Add(zone.Domain);
                continue;
            }

            if (
                await domains.TryOwnAsync(env, zone.Domain, partner, input.Import.ImportId, time.GetUtcNow(), ct)
                == DomainOwnership.HeldByOther
            )
            {
                // Never list a name another partner holds.
                await imports.UpdateAsync(
                    env,
                    partner,
                    input.Import.ImportId,
                    i => i.WithRow(zone.Domain, r => r with { Status = ImportDomainStatus.Failed, Reason = ImportFailureReason.InUse }),
                    ct
                );
                continue;
            }

            if ((await domains.FindByNameAsync(env, partner, zone.Domain, ct)).Count == 0)
            {
                await domains.SaveAsync(
                    env,
                    partner,
                    [
                        new DomainRecord(
                            Common.Ids.New("dom", time),
                            zone.Domain,
                            "inventory",
                            "available",
                            null,
                            null,
                            null,
                            planner.UsableFor(zone.Domain),
                            null,
                            time.GetUtcNow()
                        ),
                    ],
                    ct
                );
            }

            await imports.UpdateAsync(
                env,
                partner,
                input.Import.ImportId,
                i => i.WithRow(zone.Domain, r => r with { Status = ImportDomainStatus.Completed }),
                ct
            );
        }

        if (input.ThrowWhilePending && pending.Count > 0)
        {
            throw new NotReadyYetException($"Nameservers not switched yet for {string.Join(", ", pending)}.");
        }

        return new CheckImportZonesResult(pending);
    }
}

/// <summary>Typed call of <see cref="CheckImportZones"/> from an orchestration.</summary>
public static class CheckImportZonesExtensions
{
    /// <summary>Schedules <see cref="CheckImportZones"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CheckImportZonesResult> CheckImportZonesAsync(
        this TaskOrchestrationContext context,
        CheckImportZonesInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CheckImportZonesResult>(nameof(CheckImportZones), input, options);
}
