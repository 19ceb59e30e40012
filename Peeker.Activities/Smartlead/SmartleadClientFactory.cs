using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Smartlead;

/// <summary>Live scope: the given or configured key. Test scope: the simulator with key <c>sbx_{partner}</c>.</summary>
internal sealed class SmartleadClientFactory(
    IHttpClientFactory httpClients,
    IOptions<SmartleadOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    ILoggerFactory loggers
) : ISmartleadClientFactory, IDisposable
{
    // One limiter per key for the process, keyed by a hash so the key itself is not kept as a dictionary key.
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.Ordinal);

    public ISmartleadClient Create(ProviderScope scope, string? apiKey = null)
    {
        SmartleadSettings settings;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            settings = new SmartleadSettings(
                SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Smartlead, "/api/v1"),
                SandboxCredentials.SecretFor(scope.PartnerId)
            );
        }
        else
        {
            var key = apiKey ?? live.Value.ApiKey;
            if (!live.Value.Enabled || string.IsNullOrEmpty(key))
            {
                throw new ProviderException(
                    ProviderNames.Smartlead,
                    "not_configured",
                    "Live Smartlead calls are not enabled or no API key was given.",
                    isRetryable: false
                );
            }

            settings = new SmartleadSettings(live.Value.BaseUrl, key);
        }

        var limiter = _limiters.GetOrAdd(
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(settings.ApiKey))),
            _ => new SlidingWindowRateLimiter(
                new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = live.Value.RequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    SegmentsPerWindow = 6,
                    QueueLimit = 10_000,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }
            )
        );
        return new SmartleadClient(
            SandboxCredentials.HttpClientFor(httpClients, scope, sandbox.Value, ProviderNames.Smartlead),
            settings,
            limiter,
            loggers.CreateLogger<SmartleadClient>()
        );
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
