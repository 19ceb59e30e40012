using Peeker.Activities.Providers;

namespace Peeker.Activities.Webhooks;

/// <summary>TEMP int-branch stand-in for the webhooks branch's publisher.</summary>
public interface IWebhookPublisher
{
    Task<string> PublishAsync(PeekerEnvironment env, string partnerId, string type, object data, string? orderId, string? idempotencyKey, CancellationToken cancellationToken);
}
