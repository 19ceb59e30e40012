using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Forwarding;

public sealed record CheckForwardingTargetInput(ForwardingJobRef Job, string Url, IReadOnlyList<string> Domains);

/// <summary>Null when the target can be used, else the failure reason every domain of the job gets.</summary>
public sealed record CheckForwardingTargetResult(string? Reason);

/// <summary>
/// Validates a forwarding target once per job: an absolute <c>http(s)</c> URL that is not one of the job's own
/// domains (a redirect loop), and, live, a public host that answers without a 5xx.
/// </summary>
/// <remarks>
/// Read-only; idempotent. Live checks go through the webhook HTTP client, whose handler is <see cref="OutboundHttpGuard"/>'s
/// (no redirects, internal addresses refused at connect time). The sandbox makes no outside call: a target host whose first label contains <c>unreachable</c>
/// answers as if it returned 503.
/// </remarks>
public sealed class CheckForwardingTarget(IHttpClientFactory http) : TaskActivity<CheckForwardingTargetInput, CheckForwardingTargetResult>
{
    /// <summary>The sandbox fault word for a target that answers 5xx.</summary>
    public const string UnreachableWord = "unreachable";

    public override async Task<CheckForwardingTargetResult> RunAsync(TaskActivityContext context, CheckForwardingTargetInput input)
    {
        if (
            input.Url.Length > 2048
            || !Uri.TryCreate(input.Url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.IdnHost.Length == 0
            || !string.IsNullOrEmpty(uri.UserInfo)
        )
        {
            return new(ForwardingFailureReason.InvalidTarget);
        }

        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (input.Domains.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal)))
        {
            return new(ForwardingFailureReason.InvalidTarget);
        }

        if (input.Job.Environment == PeekerEnvironment.Test)
        {
            return new(
                host.Split('.')[0].Contains(UnreachableWord, StringComparison.Ordinal) ? ForwardingFailureReason.TargetUnreachable : null
            );
        }

        var addresses = await ResolveOrEmptyAsync(host, CancellationToken.None);
        if (!WebhookUrlPolicy.CheckAddresses(PeekerEnvironment.Live, host, addresses).IsAllowed)
        {
            return new(addresses.Length == 0 ? ForwardingFailureReason.TargetUnreachable : ForwardingFailureReason.InvalidTarget);
        }

        try
        {
            using var client = http.CreateClient(WebhookHttp.ClientName);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new((int)response.StatusCode >= 500 ? ForwardingFailureReason.TargetUnreachable : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new(ForwardingFailureReason.TargetUnreachable);
        }
    }

    private static async Task<System.Net.IPAddress[]> ResolveOrEmptyAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await OutboundHttpGuard.ResolveAsync(host, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
    }
}

/// <summary>Typed call of <see cref="CheckForwardingTarget"/> from an orchestration.</summary>
public static class CheckForwardingTargetExtensions
{
    /// <summary>Schedules <see cref="CheckForwardingTarget"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CheckForwardingTargetResult> CheckForwardingTargetAsync(
        this TaskOrchestrationContext context,
        CheckForwardingTargetInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CheckForwardingTargetResult>(nameof(CheckForwardingTarget), input, options);
}
