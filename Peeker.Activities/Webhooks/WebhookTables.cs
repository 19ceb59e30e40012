using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Peeker.Activities.Webhooks;

/// <summary>The webhook tables, created on first use: endpoints, events (the outbox) and delivery attempts.</summary>
public sealed class WebhookTables(IOptions<WebhookOptions> options)
{
    private readonly TableServiceClient _service = new(options.Value.StorageConnectionString);
    private readonly string _prefix = options.Value.TablePrefix;
    private Task<TableClient>? _endpoints;
    private Task<TableClient>? _events;
    private Task<TableClient>? _attempts;

    public Task<TableClient> EndpointsAsync(CancellationToken cancellationToken) => Get(ref _endpoints, "WebhookEndpoints", cancellationToken);

    public Task<TableClient> EventsAsync(CancellationToken cancellationToken) => Get(ref _events, "WebhookEvents", cancellationToken);

    public Task<TableClient> AttemptsAsync(CancellationToken cancellationToken) => Get(ref _attempts, "WebhookAttempts", cancellationToken);

    private Task<TableClient> Get(ref Task<TableClient>? slot, string name, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref slot);
        if (current is { IsFaulted: false, IsCanceled: false })
        {
            return current;
        }

        var created = CreateAsync(_prefix + name, cancellationToken);
        Interlocked.CompareExchange(ref slot, created, current);
        return created;
    }

    private async Task<TableClient> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var table = _service.GetTableClient(name);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return table;
    }
}
