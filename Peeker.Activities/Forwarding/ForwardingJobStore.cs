using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Forwarding;

/// <summary>Forwarding jobs in <c>Peeker{Env}ForwardingJobs</c>: PartitionKey = partner id, RowKey = <c>fwj_…</c>.</summary>
public sealed class ForwardingJobStore(PeekerTables tables)
{
    /// <summary>Stores a new job.</summary>
    public async Task CreateAsync(PeekerEnvironment env, string partnerId, ForwardingJob job, CancellationToken cancellationToken) =>
        await Table(env).AddEntityAsync(ToEntity(partnerId, job), cancellationToken);

    /// <summary>The job, or null when this partner has no such job.</summary>
    public async Task<ForwardingJob?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        Ids.Has(id, "fwj") && await Table(env).FindAsync(partnerId, id, cancellationToken) is { } row ? Read(row) : null;

    /// <summary>Applies <paramref name="change"/> with optimistic concurrency (re-read and re-applied on a conflict).</summary>
    public Task<ForwardingJob?> UpdateAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        Func<ForwardingJob, ForwardingJob> change,
        CancellationToken cancellationToken
    ) => Table(env).UpdateWithRetryAsync(partnerId, id, Read, change, next => ToEntity(partnerId, next), cancellationToken);

    private TableClient Table(PeekerEnvironment env) => tables.For(env, "ForwardingJobs");

    private static TableEntity ToEntity(string partnerId, ForwardingJob job) =>
        new(partnerId, job.Id)
        {
            ["Status"] = job.Status,
            ["ForwardingUrl"] = job.ForwardingUrl,
            ["Domains"] = TableExtensions.ToJson(job.Domains),
            ["Completed"] = TableExtensions.ToJson(job.Completed),
            ["Failed"] = TableExtensions.ToJson(job.Failed),
            ["CreatedAt"] = job.CreatedAt,
            ["CompletedAt"] = job.CompletedAt,
        };

    private static ForwardingJob Read(TableEntity e)
    {
        var completed = e.Json<List<string>>("Completed") ?? [];
        var failed = e.Json<List<ForwardingFailure>>("Failed") ?? [];
        return new ForwardingJob(
            e.RowKey,
            e.Str("Status"),
            e.Str("ForwardingUrl"),
            completed,
            failed,
            e.Time("CreatedAt"),
            e.GetDateTimeOffset("CompletedAt")
        )
        {
            Domains = e.Json<List<ForwardingJobDomain>>("Domains") ?? [],
        };
    }
}
