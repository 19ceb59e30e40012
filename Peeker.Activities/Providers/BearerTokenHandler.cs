using System.Net.Http.Headers;

namespace Peeker.Activities.Providers;

/// <summary>
/// Which access token a request needs: the provider's resource (e.g. <c>graph</c>, <c>partnercenter</c>) and, for calls
/// into a customer's directory, its tenant. Carried on the request in <see cref="OptionKey"/>.
/// </summary>
internal sealed record TokenTarget(string Resource, string? Tenant = null)
{
    public static readonly HttpRequestOptionsKey<TokenTarget> OptionKey = new("peeker.token_target");

    /// <summary>The target of a provider with a single kind of token.</summary>
    public static readonly TokenTarget Default = new("default");
}

/// <summary>
/// Hands out access tokens from a provider's own sign-in library (which caches and refreshes them). Failures are
/// <see cref="ProviderException"/>s: refused credentials are not retryable, an unreachable token endpoint is.
/// </summary>
internal interface IAccessTokenSource
{
    ValueTask<string> GetTokenAsync(TokenTarget target, CancellationToken cancellationToken);
}

/// <summary>
/// Outermost handler of an authorized provider client: asks the token source once per logical call and sets
/// <c>Authorization: Bearer</c> (the retry pipeline below it replays the same request with the same token).
/// </summary>
internal sealed class BearerTokenHandler(IAccessTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Options.TryGetValue(TokenTarget.OptionKey, out var t) ? t : TokenTarget.Default;
        var token = await tokens.GetTokenAsync(target, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// An HttpClient over the named client's pooled handler chain (resilience, telemetry, sandbox secret) with this
    /// handler in front. The pooled handler is not disposed with the client, as with <c>IHttpClientFactory.CreateClient</c>.
    /// </summary>
    public static HttpClient Client(IHttpMessageHandlerFactory handlers, string clientName, IAccessTokenSource tokens) =>
        new(new BearerTokenHandler(tokens) { InnerHandler = handlers.CreateHandler(clientName) }, disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
