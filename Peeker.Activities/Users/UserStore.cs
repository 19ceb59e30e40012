using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Users;

/// <summary>Where a user's inboxes are pushed (only Smartlead exists).</summary>
public sealed record SequencerRouting(string Provider, long? ClientId);

/// <summary>A partner's end customer (<c>usr_…</c>).</summary>
public sealed record User(
    string Id,
    string Email,
    string? FirstName,
    string? LastName,
    string Status,
    SequencerRouting? Sequencer,
    DateTimeOffset CreatedAt
);

/// <summary>The editable fields of a user.</summary>
public sealed record UserSpec(string Email, string? FirstName, string? LastName, SequencerRouting? Sequencer);

/// <summary>
/// Users in <c>Peeker{Env}Users</c>: PartitionKey = partner id, RowKey = <c>usr_…</c>; email uniqueness through
/// insert-if-absent index rows under PartitionKey <c>{partner}-email</c>, RowKey = lower-case email.
/// </summary>
public sealed class UserStore(PeekerTables tables, TimeProvider time)
{
    /// <summary>Creates a user; returns the existing active user instead (and <c>Created=false</c>) when the email is taken.</summary>
    public async Task<(User User, bool Created)> CreateAsync(
        PeekerEnvironment env,
        string partnerId,
        UserSpec spec,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "Users");
        var id = Ids.New("usr", time);
        var email = spec.Email.ToLowerInvariant();
        if (!await table.TryAddAsync(new TableEntity(EmailPartition(partnerId), email) { ["UserId"] = id }, cancellationToken))
        {
            var existing = await GetByEmailAsync(env, partnerId, email, cancellationToken);
            if (existing is not null)
            {
                return (existing, false);
            }

            throw new InvalidOperationException("Email index row without its user: retry.");
        }

        var row = new TableEntity(partnerId, id) { ["Status"] = "active", ["CreatedAt"] = time.GetUtcNow() };
        Write(row, spec with { Email = email });
        await table.AddEntityAsync(row, cancellationToken);
        return (Read(row), true);
    }

    /// <summary>The user, or null when it does not exist for this partner.</summary>
    public async Task<User?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        Ids.Has(id, "usr") && await tables.For(env, "Users").FindAsync(partnerId, id, cancellationToken) is { } row ? Read(row) : null;

    /// <summary>The active user with this email, or null.</summary>
    public async Task<User?> GetByEmailAsync(PeekerEnvironment env, string partnerId, string email, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsSafe(email))
        {
            return null;
        }

        var index = await tables.For(env, "Users").FindAsync(EmailPartition(partnerId), email.ToLowerInvariant(), cancellationToken);
        return index is null ? null : await GetAsync(env, partnerId, index.Str("UserId"), cancellationToken);
    }

    /// <summary>The partner's users in creation order.</summary>
    public async Task<ResultPage<User>> ListAsync(
        PeekerEnvironment env,
        string partnerId,
        string? email,
        string? status,
        PageRequest page,
        CancellationToken cancellationToken
    )
    {
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}'";
        if (email is not null)
        {
            filter += $" and Email eq '{TableExtensions.Escape(email.ToLowerInvariant())}'";
        }

        if (status is not null)
        {
            filter += $" and Status eq '{TableExtensions.Escape(status)}'";
        }

        var (rows, more) = await tables.For(env, "Users").PageAsync(filter, page.After, page.PerPage, cancellationToken);
        return new ResultPage<User>(rows.Select(Read).ToList(), more ? rows[^1].RowKey : null);
    }

    /// <summary>Updates a user; <c>Conflict</c> when the new email belongs to another user.</summary>
    public async Task<(User? User, bool Conflict)> UpdateAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        Func<UserSpec, UserSpec> change,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "Users");
        if (!Ids.Has(id, "usr") || await table.FindAsync(partnerId, id, cancellationToken) is not { } row || row.Str("Status") == "deleted")
        {
            return (null, false);
        }

        var current = Read(row);
        var next = change(new UserSpec(current.Email, current.FirstName, current.LastName, current.Sequencer));
        next = next with { Email = next.Email.ToLowerInvariant() };
        if (next.Email != current.Email)
        {
            if (!await table.TryAddAsync(new TableEntity(EmailPartition(partnerId), next.Email) { ["UserId"] = id }, cancellationToken))
            {
                return (null, true);
            }

            await table.DeleteEntityAsync(EmailPartition(partnerId), current.Email, ETag.All, cancellationToken);
        }

        Write(row, next);
        try
        {
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // A concurrent update won; undo our email index change and report a conflict.
            if (next.Email != current.Email)
            {
                await table.DeleteEntityAsync(EmailPartition(partnerId), next.Email, ETag.All, cancellationToken);
                await table.UpsertEntityAsync(
                    new TableEntity(EmailPartition(partnerId), current.Email) { ["UserId"] = id },
                    cancellationToken: cancellationToken
                );
            }

            return (null, true);
        }

        return (Read(row), false);
    }

    /// <summary>Soft-deletes a user (status <c>deleted</c>) and frees its email.</summary>
    public async Task<User?> DeleteAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken)
    {
        var table = tables.For(env, "Users");
        if (!Ids.Has(id, "usr") || await table.FindAsync(partnerId, id, cancellationToken) is not { } row)
        {
            return null;
        }

        if (row.Str("Status") != "deleted")
        {
            row["Status"] = "deleted";
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace, cancellationToken);
            await table.DeleteEntityAsync(EmailPartition(partnerId), row.Str("Email"), ETag.All, cancellationToken);
        }

        return Read(row);
    }

    private static string EmailPartition(string partnerId) => partnerId + "-email";

    private static void Write(TableEntity e, UserSpec spec)
    {
        e["Email"] = spec.Email;
        e["FirstName"] = spec.FirstName;
        e["LastName"] = spec.LastName;
        e["SequencerProvider"] = spec.Sequencer?.Provider;
        e["SequencerClientId"] = spec.Sequencer?.ClientId;
    }

    private static User Read(TableEntity e) =>
        new(
            e.RowKey,
            e.Str("Email"),
            e.GetString("FirstName"),
            e.GetString("LastName"),
            e.Str("Status"),
            e.GetString("SequencerProvider") is { } provider ? new SequencerRouting(provider, e.GetInt64("SequencerClientId")) : null,
            e.Time("CreatedAt")
        );
}
