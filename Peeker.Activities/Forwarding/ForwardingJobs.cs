using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Forwarding;

/// <summary>
/// Accepts <c>POST /domains/forwarding</c>: resolves each entry (a <c>dom_…</c> id or a name) to one of the partner's
/// domains, stores an <c>in_progress</c> job and starts its orchestration. The target URL is checked by the job
/// (spec: a bad target fails the job's rows with <c>invalid_target</c>), so only its presence is checked here.
/// </summary>
public sealed class ForwardingJobs(DomainStore domains, ForwardingJobStore jobs, IOrderWorkflows workflows, TimeProvider time)
{
    /// <summary>Most domains per job (spec section 3.3).</summary>
    public const int MaxDomains = 25;

    /// <summary>Creates and starts a job; unknown domains are refused with the field that names them.</summary>
    public async Task<ForwardingJob> CreateAsync(
        ProviderScope scope,
        IReadOnlyList<string> refs,
        string forwardingUrl,
        CancellationToken cancellationToken
    )
    {
        var resolved = new List<ForwardingJobDomain>();
        for (var i = 0; i < refs.Count; i++)
        {
            var reference = refs[i].Trim().TrimEnd('.');
            var record =
                reference.StartsWith("dom_", StringComparison.Ordinal)
                    ? await domains.GetAsync(scope.Environment, scope.PartnerId, reference, cancellationToken)
                : await domains.FindByNameAsync(scope.Environment, scope.PartnerId, reference.ToLowerInvariant(), cancellationToken)
                    is [var first, ..]
                    ? first
                : null;
            if (record is null)
            {
                throw ApiException.Invalid($"domains[{i}]", $"'{refs[i]}' is not a domain of this account.");
            }

            if (resolved.All(d => d.Id != record.Id))
            {
                resolved.Add(new ForwardingJobDomain(record.Id, record.Domain));
            }
        }

        var job = new ForwardingJob(
            Ids.New("fwj", time),
            ForwardingJobStatus.InProgress,
            forwardingUrl.Trim(),
            [],
            [],
            time.GetUtcNow(),
            null
        )
        {
            Domains = resolved,
        };
        await jobs.CreateAsync(scope.Environment, scope.PartnerId, job, cancellationToken);
        try
        {
            await workflows.StartForwardingJobAsync(scope.Environment, scope.PartnerId, job.Id, cancellationToken);
        }
        catch
        {
            // Never leave a job "in_progress" that nothing runs: the caller gets the error and may send a new job.
            await jobs.UpdateAsync(
                scope.Environment,
                scope.PartnerId,
                job.Id,
                j => j with { Status = ForwardingJobStatus.Failed, CompletedAt = time.GetUtcNow() },
                CancellationToken.None
            );
            throw;
        }

        return job;
    }
}
