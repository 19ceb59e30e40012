using Peeker.Activities.Common;

namespace Peeker.Activities.Providers;

/// <summary>The caller a provider call is made for: its environment and partner (simulators keep state per partner).</summary>
public sealed record ProviderScope(PeekerEnvironment Environment, string PartnerId);
