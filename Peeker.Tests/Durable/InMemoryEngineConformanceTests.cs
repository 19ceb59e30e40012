using Peeker.Durable.Hosting;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Durable;

/// <summary>The conformance suite on the in-memory backend, with a fake clock that jumps to the next timer.</summary>
public sealed class InMemoryEngineConformanceTests : EngineConformanceTests
{
    protected override TimeSpan LongDelay => TimeSpan.FromHours(6);

    protected override Task<DurableTestHost> StartHostAsync(Action<DurableTaskRegistry> register, Action<DurableTaskOptions>? configure = null) =>
        DurableTestHost.StartInMemoryAsync(register, configure);
}
