using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Peeker.Activities.Providers;

namespace Peeker.Functions.Health;

/// <summary>
/// The last sign-in result per live provider, kept for <see cref="HealthOptions.ProviderSignInInterval"/> so that
/// readiness probes (every few seconds from a load balancer) do not sign in each time.
/// </summary>
internal sealed class ProviderSignInResults(TimeProvider time, IOptions<HealthOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset CheckedAt, HealthCheckResult Result)> _last = new(StringComparer.Ordinal);

    // One sign-in at a time per provider: concurrent probes wait for it and share its result.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    public async Task<HealthCheckResult> GetAsync(IProviderSignIn provider, CancellationToken cancellationToken)
    {
        if (Fresh(provider.Provider) is { } cached)
        {
            return cached;
        }

        var gate = _gates.GetOrAdd(provider.Provider, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(provider.Provider) is { } again)
            {
                return again;
            }

            var now = time.GetUtcNow();
            var result = await SignInAsync(provider, now, cancellationToken);
            _last[provider.Provider] = (now, result);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private HealthCheckResult? Fresh(string provider) =>
        _last.TryGetValue(provider, out var last) && time.GetUtcNow() - last.CheckedAt < options.Value.ProviderSignInInterval
            ? last.Result
            : null;

    private static async Task<HealthCheckResult> SignInAsync(
        IProviderSignIn provider,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var data = new Dictionary<string, object> { ["mode"] = "live", ["checked_at"] = now };
        try
        {
            await provider.VerifyAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Live {provider.Provider} accepts Peeker's credentials.", data);
        }
        catch (ProviderException ex)
        {
            // Degraded, not unhealthy: sandbox orders, reads and other providers keep working; live orders for this
            // provider would fail, which operators must fix in its configuration.
            data["code"] = ex.Code;
            data["retryable"] = ex.IsRetryable;
            return HealthCheckResult.Degraded(
                ex.IsRetryable
                    ? $"Live {provider.Provider} sign-in could not be checked ({ex.Code}); it is retried at the next interval."
                    : $"Live {provider.Provider} refused Peeker's credentials ({ex.Code}); live orders using it will fail.",
                data: data
            );
        }
    }
}

/// <summary>
/// <c>provider_{name}</c>: whether a live provider accepts Peeker's credentials (<see cref="IProviderSignIn"/>), at most
/// once per <see cref="HealthOptions.ProviderSignInInterval"/>. Healthy without signing in when live calls to it are off
/// (the host runs it in sandbox mode only); degraded when it refuses or cannot be reached.
/// </summary>
internal sealed class ProviderSignInHealthCheck(IProviderSignIn provider, ProviderSignInResults results) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        provider.IsLiveEnabled
            ? await results.GetAsync(provider, cancellationToken)
            : HealthCheckResult.Healthy(
                $"Live {provider.Provider} calls are not enabled; nothing to sign in to.",
                new Dictionary<string, object> { ["mode"] = "sandbox_only" }
            );
}
