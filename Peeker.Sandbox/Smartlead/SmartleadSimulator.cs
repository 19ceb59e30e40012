using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Smartlead;

/// <summary>A saved mailbox.</summary>
public sealed record SmartleadAccountState(
    long Id,
    string FromEmail,
    string FromName,
    string UserName,
    string Type,
    string? SmtpHost,
    int? SmtpPort,
    string? ImapHost,
    int? ImapPort,
    int MaxEmailPerDay,
    bool WarmupEnabled,
    int TotalWarmupPerDay,
    int DailyRampup,
    long? ClientId,
    DateTimeOffset CreatedAt
);

/// <summary>An agency client created with <c>POST /client/save</c>.</summary>
public sealed record SmartleadClientState(long Id, string Name, string Email);

/// <summary>
/// Smartlead API v1 at <c>/api/v1</c>: <c>api_key</c> query auth, <c>POST /email-accounts/save</c> (upsert by
/// from_email, with a simulated SMTP/IMAP test that fails basic auth against Microsoft 365), <c>GET /email-accounts/</c>
/// with offset/limit, <c>DELETE /email-accounts/{id}</c> (404 once gone), the agency's clients (<c>GET /client/</c>: <see cref="DefaultClientIds"/> plus those added with
/// <c>POST /client/save</c>), and the Standard plan's 60 requests per minute with <c>X-RateLimit-*</c> and a 429 body.
/// </summary>
internal static class SmartleadSimulator
{
    public const int RequestsPerMinute = 60;

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    public static void MapSmartleadSimulator(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(
            async (context, next) =>
            {
                var http = context.HttpContext;
                var partner = SandboxAuth.PartnerFromSecret(http.Request.Query["api_key"].ToString());
                if (partner is null)
                {
                    return Results.Json(new { message = "Invalid API key" }, Options, statusCode: 401);
                }

                http.Items["partner"] = partner;
                var limits = http.RequestServices.GetRequiredService<SandboxRateLimits>();
                if (limits.Hit("smartlead", partner, RequestsPerMinute, TimeSpan.FromMinutes(1)) is { } wait)
                {
                    return RateLimited(http, wait);
                }

                return await next(context);
            }
        );
        group.MapPost("/email-accounts/save", SaveAsync);
        group.MapGet("/email-accounts/", ListAsync);
        group.MapGet("/email-accounts/{id:long}/", GetAsync);
        group.MapPost("/email-accounts/{id:long}", UpdateAsync);
        group.MapDelete("/email-accounts/{id:long}", DeleteAsync);
        group.MapGet("/client/", ListClientsAsync);
        group.MapPost("/client/save", SaveClientAsync);
    }

    /// <summary>The clients every sandbox agency account starts with: ids 1-2999 and the docs' example 366903.</summary>
    public static readonly IReadOnlyList<long> DefaultClientIds = [.. Enumerable.Range(1, 2999).Select(i => (long)i), 366903];

    private static async Task<IResult> ListClientsAsync(HttpContext http, SandboxStore store, CancellationToken ct)
    {
        var saved = await store.ListAsync<SmartleadClientState>((string)http.Items["partner"]!, SandboxKinds.SmartleadClient, ct);
        var all = DefaultClientIds
            .Select(id => new SmartleadClientState(id, $"Client {id}", $"c{id}@sandbox.example"))
            .Concat(saved)
            .DistinctBy(c => c.Id)
            .OrderBy(c => c.Id);
        return Results.Json(
            all.Select(c => new
                {
                    id = c.Id,
                    name = c.Name,
                    email = c.Email,
                })
                .ToList(),
            Options
        );
    }

    private static async Task<IResult> SaveClientAsync(HttpContext http, SandboxStore store, CancellationToken ct)
    {
        var partner = (string)http.Items["partner"]!;
        var body = await ReadObjectAsync(http, ct);

        var name = body?["name"]?.GetValueKind() == JsonValueKind.String ? body["name"]!.GetValue<string>() : null;
        var email =
            body?["email"]?.GetValueKind() == JsonValueKind.String ? body["email"]!.GetValue<string>().Trim().ToLowerInvariant() : null;
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(email))
        {
            return Results.Json(new { ok = false, message = "name and email are required" }, Options, statusCode: 400);
        }

        var client = new SmartleadClientState(10_000_000 + SandboxFaults.Hash(partner + "|client|" + email, 8_000_000), name, email);
        await store.UpsertAsync(partner, SandboxKinds.SmartleadClient, email, client, ct);
        return Results.Json(
            new
            {
                ok = true,
                clientId = client.Id,
                name = client.Name,
                email = client.Email,
            },
            Options
        );
    }

    private static async Task<IResult> SaveAsync(HttpContext http, SandboxStore store, TimeProvider time, CancellationToken ct)
    {
        var partner = (string)http.Items["partner"]!;
        var body = await ReadObjectAsync(http, ct);

        string? S(string key) => body?[key]?.GetValue<string>();
        int? I(string key) => body?[key]?.GetValue<int>();
        var fromEmail = S("from_email")?.Trim().ToLowerInvariant();
        var type = (S("type") ?? "SMTP").ToUpperInvariant();
        if (
            string.IsNullOrEmpty(fromEmail)
            || !fromEmail.Contains('@', StringComparison.Ordinal)
            || string.IsNullOrEmpty(S("from_name"))
            || string.IsNullOrEmpty(S("user_name"))
        )
        {
            return Results.Json(new { ok = false, message = "from_name, from_email and user_name are required" }, Options, statusCode: 400);
        }

        if (await SandboxFaults.FireAsync(store, partner, SandboxFaults.RateLimited, fromEmail, 1, ct))
        {
            return RateLimited(http, 1);
        }

        var smtpHost = S("smtp_host");
        var microsoftHost =
            smtpHost?.Contains("office365", StringComparison.OrdinalIgnoreCase) == true
            || smtpHost?.Contains("outlook", StringComparison.OrdinalIgnoreCase) == true;
        if (type == "OUTLOOK" ? string.IsNullOrEmpty(S("refresh_token")) : string.IsNullOrEmpty(S("password")))
        {
            return Results.Json(
                new
                {
                    ok = false,
                    message = type == "OUTLOOK" ? "OAuth refresh_token is required for OUTLOOK accounts" : "password is required",
                },
                Options,
                statusCode: 400
            );
        }

        if (microsoftHost && type != "OUTLOOK")
        {
            return Results.Json(
                new
                {
                    ok = false,
                    message = "SMTP connection failed: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
                },
                Options,
                statusCode: 400
            );
        }

        var existing = await store.GetAsync<SmartleadAccountState>(partner, SandboxKinds.SmartleadAccount, fromEmail, ct);
        var account = new SmartleadAccountState(
            existing?.Id ?? (1_000_000 + SandboxFaults.Hash(partner + "|" + fromEmail, 8_000_000)),
            fromEmail,
            S("from_name")!,
            S("user_name")!,
            type,
            smtpHost,
            I("smtp_port"),
            S("imap_host"),
            I("imap_port"),
            I("max_email_per_day") ?? 20,
            body!["warmup_enabled"]?.GetValue<bool>() ?? false,
            I("total_warmup_per_day") ?? 0,
            I("daily_rampup") ?? 0,
            body["client_id"]?.GetValue<long>(),
            existing?.CreatedAt ?? time.GetUtcNow()
        );
        await store.UpsertAsync(partner, SandboxKinds.SmartleadAccount, fromEmail, account, ct);
        return Results.Json(
            new
            {
                ok = true,
                message = existing is null ? "Email account added successfully" : "Email account updated successfully",
                data = Wire(account),
            },
            Options
        );
    }

    /// <summary>
    /// <c>POST /email-accounts/{id}</c>: new <c>from_name</c>, and for a renamed inbox <c>from_email</c> and
    /// <c>user_name</c>. The account keeps its id, warmup and password; an address held by another account is refused.
    /// </summary>
    private static async Task<IResult> UpdateAsync(HttpContext http, SandboxStore store, long id, CancellationToken ct)
    {
        var partner = (string)http.Items["partner"]!;
        var body = await ReadObjectAsync(http, ct);
        string? S(string key) => body?[key]?.GetValueKind() == JsonValueKind.String ? body[key]!.GetValue<string>() : null;
        var account = (await store.ListAsync<SmartleadAccountState>(partner, SandboxKinds.SmartleadAccount, ct)).FirstOrDefault(a =>
            a.Id == id
        );
        if (account is null)
        {
            return Results.Json(new { ok = false, message = "Email account not found" }, Options, statusCode: 404);
        }

        var fromEmail = S("from_email")?.Trim().ToLowerInvariant() ?? account.FromEmail;
        if (!fromEmail.Contains('@', StringComparison.Ordinal) || S("from_name") is "" || S("user_name") is "")
        {
            return Results.Json(
                new { ok = false, message = "from_name, from_email and user_name must not be empty" },
                Options,
                statusCode: 400
            );
        }

        var updated = account with
        {
            FromEmail = fromEmail,
            FromName = S("from_name") ?? account.FromName,
            UserName = S("user_name") ?? account.UserName,
        };
        if (fromEmail != account.FromEmail)
        {
            if (!await store.TryAddAsync(partner, SandboxKinds.SmartleadAccount, fromEmail, updated, ct))
            {
                return Results.Json(
                    new { ok = false, message = "Another email account already uses " + fromEmail },
                    Options,
                    statusCode: 400
                );
            }

            await store.DeleteAsync(partner, SandboxKinds.SmartleadAccount, account.FromEmail, ct);
        }
        else
        {
            await store.UpsertAsync(partner, SandboxKinds.SmartleadAccount, fromEmail, updated, ct);
        }

        return Results.Json(
            new
            {
                ok = true,
                message = "Email account updated successfully",
                data = Wire(updated),
            },
            Options
        );
    }

    /// <summary><c>DELETE /email-accounts/{id}</c>: Smartlead's answer <c>{ok, message, emailAccountId}</c>; an unknown id is a 404.</summary>
    private static async Task<IResult> DeleteAsync(HttpContext http, SandboxStore store, long id, CancellationToken ct)
    {
        var partner = (string)http.Items["partner"]!;
        var account = (await store.ListAsync<SmartleadAccountState>(partner, SandboxKinds.SmartleadAccount, ct)).FirstOrDefault(a =>
            a.Id == id
        );
        if (account is null)
        {
            return Results.Json(new { ok = false, message = "Email account not found" }, Options, statusCode: 404);
        }

        await store.DeleteAsync(partner, SandboxKinds.SmartleadAccount, account.FromEmail, ct);
        return Results.Json(
            new
            {
                ok = true,
                message = "Email account deleted successfully!",
                emailAccountId = id,
            },
            Options
        );
    }

    private static async Task<IResult> ListAsync(HttpContext http, SandboxStore store, int? offset, int? limit, CancellationToken ct)
    {
        var all = (await store.ListAsync<SmartleadAccountState>((string)http.Items["partner"]!, SandboxKinds.SmartleadAccount, ct)).OrderBy(
            a => a.Id
        );
        return Results.Json(all.Skip(Math.Max(offset ?? 0, 0)).Take(Math.Clamp(limit ?? 100, 1, 100)).Select(Wire).ToList(), Options);
    }

    private static async Task<IResult> GetAsync(HttpContext http, SandboxStore store, long id, CancellationToken ct)
    {
        var account = (
            await store.ListAsync<SmartleadAccountState>((string)http.Items["partner"]!, SandboxKinds.SmartleadAccount, ct)
        ).FirstOrDefault(a => a.Id == id);
        return account is null
            ? Results.Json(new { message = "Email account not found" }, Options, statusCode: 404)
            : Results.Json(Wire(account), Options);
    }

    /// <summary>The request body as a JSON object, or null when it is not one.</summary>
    private static async Task<JsonObject?> ReadObjectAsync(HttpContext http, CancellationToken ct)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult RateLimited(HttpContext http, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Limit"] = RequestsPerMinute.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Remaining"] = "0";
        http.Response.Headers["X-RateLimit-Reset"] = (
            http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds() + seconds
        ).ToString(CultureInfo.InvariantCulture);
        return Results.Json(
            new
            {
                error = new
                {
                    code = "RATE_LIMIT_EXCEEDED",
                    message = "Rate limit exceeded. Please retry later.",
                    retry_after = seconds,
                },
            },
            Options,
            statusCode: 429
        );
    }

    private static object Wire(SmartleadAccountState a) =>
        new
        {
            id = a.Id,
            from_name = a.FromName,
            from_email = a.FromEmail,
            username = a.UserName,
            type = a.Type,
            smtp_host = a.SmtpHost,
            smtp_port = a.SmtpPort,
            imap_host = a.ImapHost,
            imap_port = a.ImapPort,
            message_per_day = a.MaxEmailPerDay,
            client_id = a.ClientId,
            is_smtp_success = true,
            is_imap_success = true,
            warmup_details = new { status = a.WarmupEnabled ? "ACTIVE" : "INACTIVE", total_warmup_per_day = a.TotalWarmupPerDay },
            created_at = a.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        };
}
