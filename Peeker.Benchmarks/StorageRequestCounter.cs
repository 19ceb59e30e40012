using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;

namespace Peeker.Benchmarks;

/// <summary>
/// Counts every HTTP request the engine's storage clients send (retries included), per service, through a pipeline
/// policy on the clients DTFx builds: no proxy hop, so the timings are not skewed by the counting.
/// </summary>
public sealed class StorageRequestCounter
{
    private readonly Counting _table = new();
    private readonly Counting _queue = new();
    private readonly Counting _blob = new();

    /// <summary>Table, queue and blob requests so far.</summary>
    public long[] ByService => [_table.Count, _queue.Count, _blob.Count];

    /// <summary>All requests so far.</summary>
    public long Total => ByService.Sum();

    /// <summary>A client provider like DTFx's own for a connection string, with the counting policy on each client.</summary>
    public StorageAccountClientProvider CreateProvider(string connectionString)
    {
        var table = new TableClientOptions();
        table.AddPolicy(_table, HttpPipelinePosition.PerRetry);
        var queue = new QueueClientOptions();
        queue.AddPolicy(_queue, HttpPipelinePosition.PerRetry);
        var blob = new BlobClientOptions();
        blob.AddPolicy(_blob, HttpPipelinePosition.PerRetry);
        return new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(connectionString, blob),
            StorageServiceClientProvider.ForQueue(connectionString, queue),
            StorageServiceClientProvider.ForTable(connectionString, table)
        );
    }

    private sealed class Counting : HttpPipelineSynchronousPolicy
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
