using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Imports;

/// <summary>Which import an activity works for. Ids only.</summary>
public sealed record ImportRef(string ImportId, PeekerEnvironment Environment, string PartnerId)
{
    /// <summary>The provider scope of the import's environment and partner.</summary>
    public ProviderScope Scope => new(Environment, PartnerId);
}

/// <summary>A domain of an import and its Cloudflare zone.</summary>
public sealed record ImportZone(string Domain, string ZoneId);
