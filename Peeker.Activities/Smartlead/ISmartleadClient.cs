using Peeker.Activities.Providers;

namespace Peeker.Activities.Smartlead;

/// <summary>Smartlead: connects inboxes to the customer's sequencer with warmup settings.</summary>
public interface ISmartleadClient
{
    /// <summary>
    /// <c>POST /email-accounts/save</c>: adds (or, for the same <c>from_email</c>, updates) a mailbox. Smartlead tests the
    /// SMTP/IMAP connection; a failed test is a non-retryable <see cref="ProviderException"/> with code <c>connection_failed</c>.
    /// </summary>
    Task<SmartleadAccount> SaveEmailAccountAsync(SmartleadEmailAccount account, CancellationToken cancellationToken);

    /// <summary>
    /// <c>POST /email-accounts/{id}</c>: sets the mailbox's sender name and, for a renamed inbox, its address and login
    /// name. The account keeps its id, its warmup history and its password. Absolute values, so a repeat is harmless.
    /// An unknown id is a non-retryable <c>http_404</c>.
    /// </summary>
    Task<SmartleadAccount> UpdateEmailAccountAsync(long accountId, SmartleadAccountUpdate update, CancellationToken cancellationToken);

    /// <summary>
    /// <c>DELETE /email-accounts/{id}</c>: removes the mailbox from the sequencer (and from its campaigns; warmup stops).
    /// False when Smartlead no longer had it (404), so a repeat after a lost answer is a success.
    /// </summary>
    Task<bool> DeleteEmailAccountAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Every mailbox on the key (pages of 100).</summary>
    Task<IReadOnlyList<SmartleadAccount>> ListEmailAccountsAsync(CancellationToken cancellationToken);

    /// <summary><c>GET /client/</c>: the agency's clients (the <c>client_id</c>s mailboxes can be filed under).</summary>
    Task<IReadOnlyList<SmartleadClientInfo>> ListClientsAsync(CancellationToken cancellationToken);
}

/// <summary>One of the agency's Smartlead clients.</summary>
public sealed record SmartleadClientInfo(long Id, string? Name);

/// <summary>Creates the Smartlead client for a caller's environment and partner.</summary>
public interface ISmartleadClientFactory
{
    /// <summary>The client for <paramref name="scope"/>; live calls use <paramref name="apiKey"/> (the customer's) or the configured key.</summary>
    ISmartleadClient Create(ProviderScope scope, string? apiKey = null);
}

/// <summary>
/// A mailbox to connect. Google inboxes use SMTP/IMAP with an app password (<see cref="ForGoogle"/>); Microsoft inboxes
/// use OAuth (<see cref="ForMicrosoft"/>) because Exchange Online disables SMTP AUTH.
/// </summary>
public sealed record SmartleadEmailAccount(
    string FromName,
    string FromEmail,
    string UserName,
    string Type,
    string? Password,
    string? SmtpHost,
    int? SmtpPort,
    string? ImapHost,
    int? ImapPort,
    string? OAuthRefreshToken,
    SmartleadWarmup Warmup,
    int MaxEmailPerDay = 20,
    long? ClientId = null
)
{
    public static SmartleadEmailAccount ForGoogle(
        string fromName,
        string email,
        string appPassword,
        SmartleadWarmup warmup,
        long? clientId = null
    ) => new(fromName, email, email, "GMAIL", appPassword, "smtp.gmail.com", 587, "imap.gmail.com", 993, null, warmup, ClientId: clientId);

    public static SmartleadEmailAccount ForMicrosoft(
        string fromName,
        string email,
        string refreshToken,
        SmartleadWarmup warmup,
        long? clientId = null
    ) =>
        new(
            fromName,
            email,
            email,
            "OUTLOOK",
            null,
            "smtp.office365.com",
            587,
            "outlook.office365.com",
            993,
            refreshToken,
            warmup,
            ClientId: clientId
        );
}

/// <summary>New identity of a connected mailbox (a renamed inbox): sender name, address and SMTP/IMAP login name.</summary>
public sealed record SmartleadAccountUpdate(string FromName, string FromEmail, string UserName);

/// <summary>Warmup settings sent with the mailbox.</summary>
public sealed record SmartleadWarmup(bool Enabled = true, int TotalPerDay = 20, int DailyRampup = 5, int ReplyRatePercentage = 30);

/// <summary>A connected mailbox.</summary>
public sealed record SmartleadAccount(long Id, string FromEmail, string? Type, bool SmtpOk, bool ImapOk, string? WarmupStatus);
