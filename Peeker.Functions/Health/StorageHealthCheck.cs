using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Peeker.Functions.Health;

/// <summary><c>storage</c>: the storage account answers a cheap authenticated call (table service properties) within 5 s.</summary>
internal sealed class StorageHealthCheck(TableServiceClient tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await tables.GetPropertiesAsync(timeout.Token);
            return HealthCheckResult.Healthy("The storage account answers.");
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException)
        {
            // The SDK's message names the endpoint and the failure, never the account key.
            return HealthCheckResult.Unhealthy("The storage account does not answer: " + FirstLine(ex.Message));
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
