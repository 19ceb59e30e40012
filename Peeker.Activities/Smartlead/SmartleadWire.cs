using System.Text.Json;
using System.Text.Json.Serialization;

namespace Peeker.Activities.Smartlead;

internal sealed record SlSaveRequest(
    string FromName,
    string FromEmail,
    string UserName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Password,
    string? SmtpHost,
    int? SmtpPort,
    string? ImapHost,
    int? ImapPort,
    int MaxEmailPerDay,
    bool WarmupEnabled,
    int TotalWarmupPerDay,
    int DailyRampup,
    int ReplyRatePercentage,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ClientId
);

internal sealed record SlUpdateRequest(string FromName, string FromEmail, string UserName);

internal sealed record SlSaveResponse(bool Ok, string? Message, SlAccount? Data);

internal sealed record SlDeleteResponse(bool Ok, string? Message);

internal sealed record SlAccount(
    long Id,
    string FromEmail,
    string? Type,
    bool? IsSmtpSuccess,
    bool? IsImapSuccess,
    SlWarmupDetails? WarmupDetails
);

internal sealed record SlWarmupDetails(string? Status, int? TotalWarmupPerDay);

internal sealed record SlClient(long Id, string? Name, string? Email);

internal sealed record SlErrorBody(SlError? Error, bool? Ok, string? Message);

internal sealed record SlError(string? Code, string? Message, int? RetryAfter);

internal static class SmartleadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
