namespace Peeker.Activities.Orders;

/// <summary>
/// Why an order failed, as partners see it (<c>failure</c> on the order and in <c>order.failed</c>): a stable
/// <see cref="Code"/> from <see cref="OrderFailureCodes"/> with its fixed message, the step and the domain. Provider and
/// engine error text never goes here; it stays in the logs and the orchestration history.
/// </summary>
public sealed record OrderFailure(string Code, string Message, string? Step, string? Domain);

/// <summary>The catalogue of order failure codes, each with one fixed message.</summary>
public static class OrderFailureCodes
{
    public const string DomainUnavailable = "domain_unavailable";
    public const string RegistrarFailed = "registrar_failed";
    public const string MailTenantFailed = "mail_tenant_failed";
    public const string DnsFailed = "dns_failed";
    public const string DnsNotActive = "dns_not_active";
    public const string VerificationFailed = "verification_failed";
    public const string MailboxFailed = "mailbox_failed";
    public const string SequencerFailed = "sequencer_failed";
    public const string ForwardingFailed = "forwarding_failed";
    public const string InternalError = "internal_error";

    /// <summary>Every code and its message.</summary>
    public static readonly IReadOnlyDictionary<string, string> Messages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DomainUnavailable] = "The registrar would not sell the domain (taken or premium).",
        [RegistrarFailed] = "The domain could not be registered at the registrar.",
        [MailTenantFailed] = "The mail provider account for the order could not be set up.",
        [DnsFailed] = "The domain's DNS could not be set up.",
        [DnsNotActive] = "The domain's DNS zone did not become active in time.",
        [VerificationFailed] = "The mail provider could not verify the domain in time.",
        [MailboxFailed] = "The inboxes could not be created at the mail provider.",
        [SequencerFailed] = "The inboxes could not be connected to the sequencer.",
        [ForwardingFailed] = "The domain's forwarding could not be set up.",
        [InternalError] = "Provisioning failed; Peeker support has the details (quote the order id).",
    };

    /// <summary>
    /// The partner-facing failure of a provisioning step. <paramref name="detail"/> is the internal text (an exception
    /// message, possibly prefixed <c>{domain}: </c>): it picks nothing but the domain (one of <paramref name="domains"/>)
    /// and the registrar's business outcomes, and is never copied out.
    /// </summary>
    public static OrderFailure Of(string? step, string? detail, IEnumerable<string> domains)
    {
        var domain = domains.FirstOrDefault(d => detail is not null && detail.StartsWith(d + ": ", StringComparison.OrdinalIgnoreCase));
        var outcome = domain is null ? detail : detail![(domain.Length + 2)..];
        var code = step switch
        {
            "register" when outcome is "not_available" or "premium_price_not_accepted" => DomainUnavailable,
            "register" => RegistrarFailed,
            "tenant" or "tenants" => MailTenantFailed,
            "zone" or "nameservers" or "dns" => DnsFailed,
            "zone_active" => DnsNotActive,
            "verify" => VerificationFailed,
            "inboxes" => MailboxFailed,
            "sequencer" => SequencerFailed,
            "forwarding" => ForwardingFailed,
            _ => InternalError,
        };
        return new OrderFailure(code, Messages[code], step, domain);
    }
}
