using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Peeker.Activities.Providers;

/// <summary>
/// A provider's documented request budget for one credential: at most <see cref="Permits"/> requests in any
/// <see cref="Window"/>. The credential is kept only as a hash (it names the budget, the key itself is never held).
/// </summary>
public sealed record ProviderBudget(string Provider, string CredentialHash, int Permits, TimeSpan Window)
{
    internal static readonly HttpRequestOptionsKey<ProviderBudget> OptionKey = new("peeker.provider-budget");

    /// <summary>The budget of <paramref name="provider"/> for <paramref name="credential"/> (an API key or token).</summary>
    public static ProviderBudget For(string provider, string credential, int permits, TimeSpan window) =>
        new(provider, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)))[..32], permits, window);

    /// <summary>Marks <paramref name="request"/> as spending from this budget (every attempt, retries included).</summary>
    public HttpRequestMessage Spend(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(OptionKey, this);
        return request;
    }
}

/// <summary>
/// Client-side pacing: in the provider pipeline, between the retries and the per-attempt timeout, each attempt of a
/// request marked with a <see cref="ProviderBudget"/> waits for a permit of that provider and credential, so one host
/// never sends more than the provider documents (Smartlead 60 requests a minute per key, Cloudflare 1,200 per 5 minutes
/// per token) and a provider's 429 is the exception, not the pacing. Permits are per process: hosts sharing a
/// credential share its budget only approximately (N hosts can send up to N times the rate; their 429s are then
/// retried after <c>Retry-After</c> as before).
/// </summary>
/// <remarks>
/// A sliding window of <c>S</c> segments lets up to twice the limit through an unaligned window of the same length
/// (a full segment at its start, another as soon as that segment leaves). The window here is one segment longer than
/// the provider's (<c>S + 1</c> segments of <c>W / S</c>): any span of length <c>W</c> lies within <c>S + 1</c>
/// consecutive segments, which together hold at most the limit, so no window of the provider's, wherever it starts,
/// sees more. The cost is a sustained rate of <c>S / (S + 1)</c> of the limit.
/// </remarks>
public sealed class ProviderPacer : IDisposable
{
    /// <summary>Segments per provider window; the sustained rate is 20/21 of the documented one.</summary>
    public const int Segments = 20;

    private static readonly ProviderBudget Unpaced = new("", "", 0, TimeSpan.Zero);
    private readonly PartitionedRateLimiter<HttpRequestMessage> _limiter = PartitionedRateLimiter.Create<
        HttpRequestMessage,
        ProviderBudget
    >(request =>
        request.Options.TryGetValue(ProviderBudget.OptionKey, out var budget)
            ? RateLimitPartition.GetSlidingWindowLimiter(budget, Options)
            : RateLimitPartition.GetNoLimiter(Unpaced)
    );

    /// <summary>The limiter options for a budget (exposed for the tests of the window arithmetic).</summary>
    public static SlidingWindowRateLimiterOptions Options(ProviderBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return new SlidingWindowRateLimiterOptions
        {
            PermitLimit = budget.Permits,
            Window = budget.Window + (budget.Window / Segments),
            SegmentsPerWindow = Segments + 1,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
    }

    /// <summary>Waits for a permit for the request being sent in <paramref name="context"/> (unmarked requests pass).</summary>
    public ValueTask<RateLimitLease> AcquireAsync(ResilienceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var none = new HttpRequestMessage();
        return context.GetRequestMessage() is { } request
            ? _limiter.AcquireAsync(request, 1, context.CancellationToken)
            : ValueTask.FromResult(_limiter.AttemptAcquire(none));
    }

    public void Dispose() => _limiter.Dispose();
}
