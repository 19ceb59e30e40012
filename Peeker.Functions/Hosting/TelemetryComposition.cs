using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Peeker.Activities.Common;
using Peeker.Durable.Telemetry;

namespace Peeker.Functions.Hosting;

/// <summary>
/// OpenTelemetry for the host: one trace per partner request that continues through DTFx (its <c>DurableTask.Core</c>
/// spans carry the trace context in the orchestration's messages) down to every provider HTTP call; metrics from
/// ASP.NET Core, HttpClient, the engine (<see cref="DurableMetrics"/>) and the business (<see cref="PeekerMetrics"/>).
/// </summary>
public static class TelemetryComposition
{
    /// <summary>The service name reported when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string ServiceName = "peeker";

    /// <summary>
    /// Registers tracing and metrics. Export is over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (endpoint,
    /// protocol, headers and the rest from the standard <c>OTEL_*</c> variables); the console exporter only with
    /// <c>Peeker:Telemetry:Console=true</c>. Without either, spans and metrics are still produced for in-process
    /// listeners (the tests) and cost little.
    /// </summary>
    public static WebApplicationBuilder AddPeekerTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = builder.Configuration.GetValue<bool>("Peeker:Telemetry:Console");
        var telemetry = builder
            .Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(DurableMetrics.DtfxActivitySource)
                    .AddAspNetCoreInstrumentation(o =>
                        o.Filter = http => !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                    )
                    .AddHttpClientInstrumentation(o =>
                    {
                        // The storage SDK's own polling would bury the provider calls; Azure.Core traces it separately when wanted.
                        var storage = new Lazy<HashSet<string>>(() => StorageAuthorities(builder.Configuration["AzureWebJobsStorage"]));
                        o.FilterHttpRequestMessage = request => !IsStorage(request.RequestUri, storage.Value);
                    });
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(PeekerMetrics.MeterName, DurableMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>A request to the task hub's storage account (queues polled every second, tables, blobs).</summary>
    private static bool IsStorage(Uri? uri, HashSet<string> storageAuthorities) =>
        uri is not null
        && (
            storageAuthorities.Contains(uri.Authority)
            || uri.Host.EndsWith(".core.windows.net", StringComparison.OrdinalIgnoreCase)
            || (uri.IsLoopback && uri.AbsolutePath.StartsWith("/devstoreaccount1", StringComparison.Ordinal))
        );

    /// <summary>The hosts of the connection string's explicit endpoints, read once (the filter runs on every request).</summary>
    private static HashSet<string> StorageAuthorities(string? connectionString) =>
        (connectionString ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[0].EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase))
            .Select(kv => Uri.TryCreate(kv[1], UriKind.Absolute, out var endpoint) ? endpoint.Authority : null)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
