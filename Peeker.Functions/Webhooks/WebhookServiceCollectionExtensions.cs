using System.Globalization;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Orchestrations;

namespace Peeker.Functions.Webhooks;

/// <summary>Registers the webhook area: stores, secrets, publisher, event log, delivery HttpClient, and its durable tasks.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Adds the webhook services. Reads <c>AzureWebJobsStorage</c>, <c>Peeker:EncryptionKey</c> (base64 of 32 bytes)
    /// and the optional section <c>Peeker:Webhooks</c> (<c>AttemptTimeout</c>, <c>TablePrefix</c>,
    /// <c>RetrySchedule</c> as comma-separated <c>[d.]hh:mm:ss</c> offsets or an array section, <c>EndpointWindow</c>);
    /// a missing or malformed key stops the host at startup with a message naming it. Sandbox endpoints on loopback
    /// are accepted only when the registered <see cref="IHostEnvironment"/> is Development.
    /// </summary>
    public static IServiceCollection AddPeekerWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var schedule = configuration.GetSection(WebhookOptions.SectionName).GetSection(nameof(WebhookOptions.RetrySchedule));
        services
            .AddOptions<WebhookOptions>()
            .Configure(options =>
            {
                options.StorageConnectionString = configuration["AzureWebJobsStorage"] ?? string.Empty;
                options.EncryptionKey = configuration["Peeker:EncryptionKey"] ?? string.Empty;
            })
            .Bind(configuration.GetSection(WebhookOptions.SectionName))
            // After Bind, which would append an array section to the default schedule and cannot read a single string.
            .PostConfigure(options => options.RetrySchedule = ReadSchedule(schedule) ?? options.RetrySchedule)
            // Loopback endpoints only on a developer's machine; no IHostEnvironment (a bare container) means not Development.
            .PostConfigure<IServiceProvider>(
                (options, services) => options.AllowLocalSandboxEndpoints = services.GetService<IHostEnvironment>()?.IsDevelopment() == true
            )
            .ValidateDataAnnotations()
            .Validate(options => IsKey(options.EncryptionKey), "Peeker:EncryptionKey must be base64 of 32 bytes.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // The one table set; a host with the Partner API has registered both already (same storage account).
        services.TryAddSingleton(sp => new TableServiceClient(
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value.StorageConnectionString
        ));
        services.TryAddSingleton<PeekerTables>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookEndpointStore>();
        services.AddSingleton<WebhookEventStore>();
        services.AddSingleton<IWebhookPublisher, WebhookPublisher>();
        services.AddSingleton<WebhookEventLog>();
        services
            .AddHttpClient(WebhookHttp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(WebhookHttp.CreateHandler)
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>Registers <see cref="DeliverWebhookOrchestrator"/> and the <see cref="PostWebhook"/> activity.</summary>
    public static DurableTaskRegistry AddWebhookTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.AddOrchestrator<DeliverWebhookOrchestrator>().AddActivity<PostWebhook>();
    }

    /// <summary>The configured offsets, null when none are configured, empty when one does not parse (validation names the key).</summary>
    private static List<TimeSpan>? ReadSchedule(IConfigurationSection section)
    {
        var texts = section.Value is { } value
            ? value.Split(',', StringSplitOptions.TrimEntries)
            :
            [
                .. section
                    .GetChildren()
                    .OrderBy(child => int.TryParse(child.Key, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue)
                    .Select(child => child.Value ?? string.Empty),
            ];
        if (section.Value is null && texts.Length == 0)
        {
            return null;
        }

        var offsets = new List<TimeSpan>(texts.Length);
        foreach (var text in texts)
        {
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var offset))
            {
                return [];
            }

            offsets.Add(offset);
        }

        return offsets;
    }

    private static bool IsKey(string value)
    {
        var buffer = new byte[48];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
