using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Forwarding;

/// <summary>Which forwarding job an activity works for. Ids only.</summary>
public sealed record ForwardingJobRef(string JobId, PeekerEnvironment Environment, string PartnerId)
{
    /// <summary>The provider scope of the job's environment and partner.</summary>
    public ProviderScope Scope => new(Environment, PartnerId);
}
