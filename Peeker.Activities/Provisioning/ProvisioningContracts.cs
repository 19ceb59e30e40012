using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;
using Peeker.Durable.Retries;

namespace Peeker.Activities.Provisioning;

/// <summary>Which order an activity works for. Ids only: activities load everything else (and every secret) themselves.</summary>
public sealed record OrderRef(string OrderId, PeekerEnvironment Environment, string PartnerId)
{
    /// <summary>The provider scope of the order's environment and partner.</summary>
    public ProviderScope Scope => new(Environment, PartnerId);
}

/// <summary>The mail provider of a domain.</summary>
public enum MailProvider
{
    Google,
    Microsoft,
}

/// <summary>One inbox to create: its local part and the persona it belongs to (no password: it is derived in the activity).</summary>
public sealed record PlannedInbox(string LocalPart, string FirstName, string LastName, string? ProfilePictureUrl);

/// <summary>One domain of an order with everything its provisioning needs.</summary>
public sealed record PlannedDomain(
    string DomainId,
    string Domain,
    MailProvider Provider,
    bool Owned,
    string? ForwardingUrl,
    IReadOnlyList<PlannedInbox> Inboxes);

/// <summary>The named durable retry policies of provisioning (the outer retry layer; Polly is the inner one).</summary>
public static class ProvisioningRetries
{
    /// <summary>Our own tables: a few quick tries.</summary>
    public static TaskOptions Storage { get; } = DurableRetry.Options(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30));

    /// <summary>Provider calls: six tries over about five minutes; permanent provider errors are not retried.</summary>
    public static TaskOptions Provider { get; } = DurableRetry.Options(6, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(2));

    /// <summary>Waiting for DNS and verification: polls within <paramref name="timeout"/> (a day by default), backing off to every 15 minutes.</summary>
    public static TaskOptions Propagation(TimeSpan timeout) => DurableRetry.Options(
        60, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(15), Budget(timeout, TimeSpan.FromSeconds(2), TimeSpan.FromHours(24)));

    /// <summary>An import waiting for the customer's nameserver switch: polls back off to every 15 minutes, within <paramref name="timeout"/>.</summary>
    public static TaskOptions Nameservers(TimeSpan timeout) => DurableRetry.Options(
        1000, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(15), Budget(timeout, TimeSpan.FromSeconds(5), TimeSpan.FromHours(72)));

    /// <summary>
    /// The configured budget, the default when none is set, and never less than the first retry interval: the SDK's
    /// <c>RetryPolicy</c> throws for a shorter timeout, which would crash the orchestration instead of failing the step.
    /// </summary>
    private static TimeSpan Budget(TimeSpan configured, TimeSpan firstInterval, TimeSpan fallback) =>
        configured <= TimeSpan.Zero ? fallback : configured < firstInterval ? firstInterval : configured;

    /// <summary>A cancellation waiting for provisioning to stop running: polls back off to every 15 minutes, for up to two days.</summary>
    public static TaskOptions ProvisioningSettled { get; } = DurableRetry.Options(250, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(15), TimeSpan.FromDays(2));

    /// <summary>Smartlead (60 requests/minute): waits long enough for its window to pass.</summary>
    public static TaskOptions Sequencer { get; } = DurableRetry.Options(8, TimeSpan.FromSeconds(10), 2, TimeSpan.FromMinutes(5));
}

/// <summary>Thrown by polling activities while the awaited state is not reached yet; always retryable.</summary>
public sealed class NotReadyYetException : Exception, IRetryClassified
{
    public NotReadyYetException(string message)
        : base(message)
    {
    }

    public NotReadyYetException()
    {
    }

    public NotReadyYetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public bool IsRetryable => true;
}
