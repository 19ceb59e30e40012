namespace Peeker.Activities.Provisioning;

/// <summary>The mail provider of a domain.</summary>
public enum MailProvider
{
    Google,
    Microsoft,
}

/// <summary>One inbox to create: its local part and the persona it belongs to (no password: it is derived in the activity).</summary>
public sealed record PlannedInbox(string LocalPart, string FirstName, string LastName, string? ProfilePictureUrl);

/// <summary>One domain of an order with everything its provisioning needs.</summary>
public sealed record PlannedDomain(
    string DomainId,
    string Domain,
    MailProvider Provider,
    bool Owned,
    string? ForwardingUrl,
    IReadOnlyList<PlannedInbox> Inboxes
);
