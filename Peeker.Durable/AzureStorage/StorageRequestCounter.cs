using Azure.Core;
using Azure.Core.Pipeline;

namespace Peeker.Durable.AzureStorage;

/// <summary>Counts every HTTP request the storage clients send (including retries), for benchmarks and diagnostics.</summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private long _count;

    /// <summary>Requests sent so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <inheritdoc />
    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}
