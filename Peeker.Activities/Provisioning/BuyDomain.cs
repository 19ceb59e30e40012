using Microsoft.DurableTask;
using Peeker.Activities.Domains;
using Peeker.Activities.Registrar;

namespace Peeker.Activities.Provisioning;

public sealed record BuyDomainInput(OrderRef Order, string Domain, bool AlreadyOwned);

public sealed record BuyDomainResult(string Domain, bool Owned, string Status, string? Reason);

/// <summary>Buys a domain at the registrar (skipped for domains the partner imported).</summary>
/// <remarks>
/// Spends money. Exactly-once in effect: the registrar client checks the account before it buys on every attempt,
/// so a purchase whose answer was lost (process killed mid-call) is found as AlreadyOwned, never bought twice. Each
/// attempt is recorded first; a later attempt tells the registrar client an earlier create may have gone through, so a
/// registrar still processing our own purchase ("not available", not yet in the account) is confirmed, not reported
/// unavailable.
/// Compensation: none here; cancellation releases domains at the end of the term.
/// </remarks>
public sealed class BuyDomain(IRegistrarClientFactory registrars, DomainStore domains) : TaskActivity<BuyDomainInput, BuyDomainResult>
{
    public override async Task<BuyDomainResult> RunAsync(TaskActivityContext context, BuyDomainInput input)
    {
        if (input.AlreadyOwned)
        {
            return new BuyDomainResult(input.Domain, true, nameof(RegistrationStatus.AlreadyOwned), null);
        }

        var registrar = registrars.Create(input.Order.Scope);
        var contact = new RegistrantContact(
            "Domain",
            "Admin",
            "1 Main Street",
            "Austin",
            "TX",
            "78701",
            "US",
            "+1.5125550100",
            "domains@peeker.example"
        );
        var earlierAttempt = await domains.MarkPurchaseAttemptAsync(
            input.Order.Environment,
            input.Order.OrderId,
            input.Domain,
            CancellationToken.None
        );
        var result = await registrar.RegisterAsync(
            new RegisterDomainRequest(input.Domain, 1, [], contact, EarlierCreateUncertain: earlierAttempt),
            CancellationToken.None
        );
        return new BuyDomainResult(input.Domain, result.Status != RegistrationStatus.Unavailable, result.Status.ToString(), result.Reason);
    }
}

/// <summary>Typed call of <see cref="BuyDomain"/> from an orchestration.</summary>
public static class BuyDomainExtensions
{
    /// <summary>Schedules <see cref="BuyDomain"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<BuyDomainResult> BuyDomainAsync(
        this TaskOrchestrationContext context,
        BuyDomainInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<BuyDomainResult>(nameof(BuyDomain), input, options);
}
