using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Smartlead;

/// <summary>Base URL and API key for one Smartlead key (live, or the sandbox partner's simulator key).</summary>
internal sealed record SmartleadSettings(string BaseUrl, string ApiKey);

/// <summary>
/// Smartlead API v1 (<c>?api_key=</c> auth). Every attempt spends from the key's <see cref="ProviderBudget"/> (paced by
/// <see cref="ProviderPacer"/>, under the plan's per-minute budget); a 429 that still happens (another host on the same
/// key) is retried after its <c>Retry-After</c> by the shared pipeline.
/// </summary>
internal sealed class SmartleadClient(HttpClient http, SmartleadSettings settings, ProviderBudget budget, ILogger<SmartleadClient> logger)
    : ProviderClientBase(http, logger, ProviderNames.Smartlead),
        ISmartleadClient
{
    public async Task<SmartleadAccount> SaveEmailAccountAsync(SmartleadEmailAccount account, CancellationToken cancellationToken)
    {
        var body = new SlSaveRequest(
            account.FromName,
            account.FromEmail,
            account.UserName,
            account.Password,
            account.SmtpHost,
            account.SmtpPort,
            account.ImapHost,
            account.ImapPort,
            account.MaxEmailPerDay,
            account.Warmup.Enabled,
            account.Warmup.TotalPerDay,
            account.Warmup.DailyRampup,
            account.Warmup.ReplyRatePercentage,
            account.Type,
            account.OAuthRefreshToken,
            account.ClientId
        );

        // save is an upsert keyed by from_email, so a retried POST cannot create a second mailbox.
        var saved = await CallAsync<SlSaveResponse>(HttpMethod.Post, "/email-accounts/save", "", body, cancellationToken);
        if (!saved.Ok || saved.Data is null)
        {
            throw new ProviderException(
                Provider,
                "connection_failed",
                saved.Message ?? "Smartlead did not save the account.",
                isRetryable: false
            );
        }

        return Map(saved.Data);
    }

    public async Task<SmartleadAccount> UpdateEmailAccountAsync(
        long accountId,
        SmartleadAccountUpdate update,
        CancellationToken cancellationToken
    )
    {
        var saved = await CallAsync<SlSaveResponse>(
            HttpMethod.Post,
            "/email-accounts/" + accountId.ToString(CultureInfo.InvariantCulture),
            "",
            new SlUpdateRequest(update.FromName, update.FromEmail, update.UserName),
            cancellationToken
        );
        if (!saved.Ok || saved.Data is null)
        {
            throw new ProviderException(
                Provider,
                "update_failed",
                saved.Message ?? "Smartlead did not update the account.",
                isRetryable: false
            );
        }

        return Map(saved.Data);
    }

    public async Task<bool> DeleteEmailAccountAsync(long accountId, CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await CallAsync<SlDeleteResponse>(
                HttpMethod.Delete,
                "/email-accounts/" + accountId.ToString(CultureInfo.InvariantCulture),
                "",
                null,
                cancellationToken
            );
            return deleted.Ok;
        }
        catch (ProviderException ex) when (ex.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<SmartleadAccount>> ListEmailAccountsAsync(CancellationToken cancellationToken)
    {
        var all = new List<SmartleadAccount>();
        const int PageSize = 100;
        for (var offset = 0; ; offset += PageSize)
        {
            var query = $"&offset={offset.ToString(CultureInfo.InvariantCulture)}&limit={PageSize.ToString(CultureInfo.InvariantCulture)}";
            var page = await CallAsync<List<SlAccount>>(HttpMethod.Get, "/email-accounts/", query, null, cancellationToken);
            all.AddRange(page.Select(Map));
            if (page.Count < PageSize)
            {
                return all;
            }
        }
    }

    public async Task<IReadOnlyList<SmartleadClientInfo>> ListClientsAsync(CancellationToken cancellationToken) =>
        (await CallAsync<List<SlClient>>(HttpMethod.Get, "/client/", "", null, cancellationToken))
            .Select(c => new SmartleadClientInfo(c.Id, c.Name))
            .ToList();

    /// <summary>Maps a non-2xx answer (Smartlead's <c>error{code,message,retry_after}</c> or <c>{ok:false,message}</c>).</summary>
    internal static ProviderException ToException(HttpStatusCode status, string body, TimeSpan? retryAfter)
    {
        SlErrorBody? parsed = null;
        try
        {
            parsed = JsonSerializer.Deserialize<SlErrorBody>(body, SmartleadJson.Options);
        }
        catch (JsonException) { }

        var code =
            parsed?.Error?.Code
            ?? (status == HttpStatusCode.BadRequest && parsed?.Ok == false ? "connection_failed" : null)
            ?? "http_" + ((int)status).ToString(CultureInfo.InvariantCulture);
        var wait = retryAfter ?? (parsed?.Error?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        return new ProviderException(
            ProviderNames.Smartlead,
            code,
            parsed?.Error?.Message ?? parsed?.Message ?? status.ToString(),
            ProviderResilience.IsTransient(status),
            wait,
            (int)status
        );
    }

    private async Task<T> CallAsync<T>(HttpMethod method, string path, string query, object? body, CancellationToken cancellationToken)
    {
        using var request = budget.Spend(
            new HttpRequestMessage(method, $"{settings.BaseUrl.TrimEnd('/')}{path}?api_key={Uri.EscapeDataString(settings.ApiKey)}{query}")
        );
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: SmartleadJson.Options);
        }

        using var response = await SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ToException(response.StatusCode, text, ProviderResilience.RetryAfterOf(response));
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, SmartleadJson.Options) ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new ProviderException(
                Provider,
                "bad_response",
                "Unreadable Smartlead answer.",
                isRetryable: false,
                statusCode: (int)response.StatusCode,
                innerException: ex
            );
        }
    }

    private static SmartleadAccount Map(SlAccount a) =>
        new(a.Id, a.FromEmail, a.Type, a.IsSmtpSuccess ?? false, a.IsImapSuccess ?? false, a.WarmupDetails?.Status);
}
