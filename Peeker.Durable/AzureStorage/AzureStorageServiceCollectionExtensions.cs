using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Durable.Backend;
using Peeker.Durable.Hosting;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.AzureStorage;

/// <summary>Wires the Azure Storage backend into <c>AddPeekerDurable</c>.</summary>
public static class AzureStorageServiceCollectionExtensions
{
    /// <summary>
    /// A backend factory for <c>AddPeekerDurable(register, AzureStorage.Backend(connectionString))</c>: hub name and
    /// <c>storageProvider.*</c> come from <see cref="DurableTaskOptions"/> (host.json).
    /// </summary>
    public static Func<IServiceProvider, IOrchestrationBackend> Backend(string connectionString, Action<AzureStorageOptions, DurableTaskOptions>? check = null) =>
        sp =>
        {
            var durable = sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value;
            var options = AzureStorageOptions.FromDurableTaskOptions(connectionString, durable);
            check?.Invoke(options, durable);
            return new AzureStorageOrchestrationBackend(
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<DataConverter>(),
                sp.GetService<ILoggerFactory>());
        };

    /// <summary>Adds the engine on Azure Storage (<c>AddPeekerDurable</c> with the Azure Storage backend).</summary>
    public static IServiceCollection AddPeekerDurableOnAzureStorage(this IServiceCollection services, string connectionString, Action<DurableTaskRegistry> register) =>
        services.AddPeekerDurable(register, Backend(connectionString));
}
