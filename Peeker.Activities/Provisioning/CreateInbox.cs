using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Provisioning;

public sealed record CreateInboxInput(OrderRef Order, string Domain, MailProvider Provider, PlannedInbox Inbox, TenantIds Tenants);

/// <summary>The created inbox; <see cref="PictureProblem"/> is set when its profile picture could not be applied.</summary>
public sealed record CreateInboxResult(string Email, string DisplayName, bool AlreadyExisted, string? PictureProblem);

/// <summary>
/// Creates one mailbox: a Google Workspace user (with its profile picture), or a Microsoft 365 user with
/// <c>usageLocation</c> and a licence. The password is derived, never carried in history.
/// </summary>
/// <remarks>
/// Idempotent: an existing user (Google 409, Graph conflict) counts as created. A picture that cannot be fetched or
/// that the provider rejects is reported as data (a pending action), not as a failure. Live pictures are fetched
/// through <see cref="OutboundHttpGuard"/> (internal addresses refused at connect time, no redirects), at most
/// <see cref="MaxPictureBytes"/> within <see cref="PictureTimeout"/>.
/// </remarks>
public sealed class CreateInbox(
    IGoogleWorkspaceClientFactory google,
    IMicrosoftClientFactory microsoft,
    InboxPasswords passwords,
    IHttpClientFactory http,
    IOptions<ProvisioningOptions> options
) : TaskActivity<CreateInboxInput, CreateInboxResult>
{
    /// <summary>Pending-action reason for a picture the provider cannot use.</summary>
    public const string PictureNotAccessible = "profile_picture_not_accessible";

    /// <summary>The named HttpClient that fetches pictures, behind <see cref="OutboundHttpGuard"/>.</summary>
    public const string PictureClientName = "profile-pictures";

    /// <summary>Largest picture fetched (5 MiB); a larger one is refused while it streams in.</summary>
    public const long MaxPictureBytes = 5 * 1024 * 1024;

    /// <summary>How long one picture fetch may take, headers and body together.</summary>
    public static readonly TimeSpan PictureTimeout = TimeSpan.FromSeconds(20);

    // A 1×1 PNG: sandbox orders never fetch partner URLs from the internet.
    internal static readonly byte[] SandboxPicture = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    );

    public override async Task<CreateInboxResult> RunAsync(TaskActivityContext context, CreateInboxInput input)
    {
        var ct = CancellationToken.None;
        var inbox = input.Inbox;
        var email = $"{inbox.LocalPart}@{input.Domain}";
        var display = $"{inbox.FirstName} {inbox.LastName}".Trim();
        if (input.Provider == MailProvider.Microsoft)
        {
            var tenant = input.Tenants.MicrosoftTenantId ?? throw new InvalidOperationException("The order has no Microsoft tenant.");
            var client = microsoft.Create(input.Order.Scope);
            var user = await client.CreateUserAsync(
                tenant,
                new MicrosoftUserInput(
                    email,
                    display,
                    inbox.FirstName,
                    inbox.LastName,
                    await passwords.ForAsync(input.Order, email, ct),
                    options.Value.MicrosoftUsageLocation
                ),
                ct
            );
            var skus = await client.GetSubscribedSkusAsync(tenant, ct);
            var sku =
                skus.Count > 0
                    ? skus[0]
                    : throw new ProviderException(
                        ProviderNames.Microsoft,
                        "no_licence",
                        $"Tenant {tenant} has no licence to assign.",
                        isRetryable: true
                    );
            await client.AssignLicenseAsync(tenant, email, sku.SkuId, ct);
            return new CreateInboxResult(email, display, user.AlreadyExisted, null);
        }

        var workspace = google.Create(input.Order.Scope);
        var created = await workspace.CreateUserAsync(
            new GoogleUserInput(email, inbox.FirstName, inbox.LastName, await passwords.ForAsync(input.Order, email, ct)),
            ct
        );
        string? problem = null;
        if (inbox.ProfilePictureUrl is { } url)
        {
            try
            {
                await ApplyPictureAsync(http, workspace, input.Order.Environment, email, url, ct);
            }
            catch (Exception ex) when (IsPictureProblem(ex))
            {
                problem = PictureNotAccessible;
            }
        }

        return new CreateInboxResult(email, display, created.AlreadyExisted, problem);
    }

    /// <summary>True for the failures that mean "this picture cannot be used" (a pending action, not a failed step).</summary>
    public static bool IsPictureProblem(Exception ex) =>
        ex is HttpRequestException or OperationCanceledException or InvalidDataException or ProviderException { IsRetryable: false };

    /// <summary>
    /// Fetches <paramref name="url"/> (in the sandbox a fixed 1×1 PNG instead) and sets it as the Google user's photo.
    /// Throws what <see cref="IsPictureProblem"/> recognises when the picture cannot be used.
    /// </summary>
    public static async Task ApplyPictureAsync(
        IHttpClientFactory http,
        IGoogleWorkspaceClient workspace,
        PeekerEnvironment env,
        string email,
        string url,
        CancellationToken ct
    )
    {
        var (bytes, mime) = env == PeekerEnvironment.Test ? (SandboxPicture, "image/png") : await DownloadAsync(http, url, ct);
        await workspace.SetProfilePhotoAsync(email, bytes, mime, ct);
    }

    /// <summary>Fetches a live profile picture through the guarded <see cref="PictureClientName"/> client (also used by renames).</summary>
    internal static async Task<(byte[] Bytes, string Mime)> DownloadAsync(IHttpClientFactory http, string url, CancellationToken ct)
    {
        // Addresses are judged at connect time by the client's guarded handler (loopback, private, link-local and
        // metadata addresses refused after DNS resolution), so a name that resolves inward cannot slip past here.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new InvalidDataException("Profile pictures must be public https URLs.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PictureTimeout);
        var client = http.CreateClient(PictureClientName);
        using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var mime = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        if (!response.IsSuccessStatusCode || !mime.StartsWith("image/", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The picture answered {(int)response.StatusCode} {mime}.");
        }

        return (await OutboundHttpGuard.ReadBoundedAsync(response.Content, MaxPictureBytes, timeout.Token), mime);
    }
}

/// <summary>Typed call of <see cref="CreateInbox"/> from an orchestration.</summary>
public static class CreateInboxExtensions
{
    /// <summary>Schedules <see cref="CreateInbox"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CreateInboxResult> CreateInboxAsync(
        this TaskOrchestrationContext context,
        CreateInboxInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CreateInboxResult>(nameof(CreateInbox), input, options);
}
