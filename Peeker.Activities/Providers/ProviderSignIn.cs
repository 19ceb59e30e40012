using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Smartlead;

namespace Peeker.Activities.Providers;

/// <summary>
/// Checks that a live provider accepts Peeker's credentials with the cheapest signed-in request it has (a token for
/// Google and Microsoft, a one-row read for Smartlead). Used by readiness; sandbox calls need no check.
/// </summary>
public interface IProviderSignIn
{
    /// <summary>The provider (<see cref="ProviderNames"/>).</summary>
    string Provider { get; }

    /// <summary>Whether live calls to the provider are enabled; when not, there is nothing to check.</summary>
    bool IsLiveEnabled { get; }

    /// <summary>Signs in; throws <see cref="ProviderException"/> when the provider refuses or cannot be reached.</summary>
    Task VerifyAsync(CancellationToken cancellationToken);
}

/// <summary>Smartlead's check: one <c>GET /client/</c> with the configured API key.</summary>
internal sealed class SmartleadSignIn(ISmartleadClientFactory clients, IOptions<SmartleadOptions> options) : IProviderSignIn
{
    public string Provider => ProviderNames.Smartlead;

    public bool IsLiveEnabled => options.Value.Enabled && !string.IsNullOrEmpty(options.Value.ApiKey);

    public async Task VerifyAsync(CancellationToken cancellationToken) =>
        await clients.Create(new ProviderScope(PeekerEnvironment.Live, "health")).ListClientsAsync(cancellationToken);
}
