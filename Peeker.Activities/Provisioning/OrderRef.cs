using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Provisioning;

/// <summary>Which order an activity works for. Ids only: activities load everything else (and every secret) themselves.</summary>
public sealed record OrderRef(string OrderId, PeekerEnvironment Environment, string PartnerId)
{
    /// <summary>The provider scope of the order's environment and partner.</summary>
    public ProviderScope Scope => new(Environment, PartnerId);
}
