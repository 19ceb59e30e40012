using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;
using Peeker.Sandbox;
using Peeker.Sandbox.State;
using Peeker.Tests.Support;

namespace Peeker.Tests.Sandbox;

/// <summary>
/// One Azurite and one Kestrel (127.0.0.1, free port) serving the simulators for every provider contract test, plus the
/// real provider clients from <see cref="ProvidersServiceCollectionExtensions.AddPeekerProviders"/> pointed at it.
/// Each test uses its own sandbox partner, so tests never see each other's state.
/// </summary>
public sealed class SandboxServerFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private WebApplication? _app;
    private ServiceProvider? _providers;

    /// <summary>The simulators' shared secret on this server.</summary>
    public const string Secret = "sbx_fixture_secret_0123456789";

    public string BaseUrl { get; private set; } = "";

    public string StorageConnectionString => _azurite.ConnectionString;

    public CapturingLoggerProvider Logs { get; } = new();

    public IServiceProvider Providers => _providers!;

    public SandboxInspector Inspector => _app!.Services.GetRequiredService<SandboxInspector>();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["AzureWebJobsStorage"] = _azurite.ConnectionString;
        builder.Configuration["Providers:Sandbox:Secret"] = Secret;
        builder.Services.AddPeekerSandbox(builder.Configuration);
        _app = builder.Build();
        _app.MapPeekerSandbox();
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _providers = BuildProviders();
    }

    /// <summary>A provider container against this server; retry delays are tiny unless overridden.</summary>
    public ServiceProvider BuildProviders(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Sandbox:BaseUrl"] = BaseUrl + "/sandbox",
            ["Providers:Sandbox:Secret"] = Secret,
            ["Providers:Retry:MaxRetries"] = "3",
            ["Providers:Retry:BaseDelay"] = "00:00:00.010",
            ["Providers:Retry:AttemptTimeout"] = "00:00:10",
            ["Providers:Registrar:PurchaseConfirmInterval"] = "00:00:00.010",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace))
            .AddPeekerProviders(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>A raw client that carries the sandbox secret, as the provider clients do.</summary>
    public static HttpClient RawClient()
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Add(SandboxOptions.SecretHeader, Secret);
        return http;
    }

    public static ProviderScope NewPartner() => new(PeekerEnvironment.Test, "ptn_" + Guid.NewGuid().ToString("N")[..16]);

    public async Task<int> CountAsync(ProviderScope scope, string kind) => (await Inspector.ReadAsync(scope.PartnerId, kind)).Count;

    public async Task DisposeAsync()
    {
        if (_providers is not null)
        {
            await _providers.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SandboxServerGroup : ICollectionFixture<SandboxServerFixture>
{
    public const string Name = "Sandbox server";
}

/// <summary>Keeps every formatted log line and exception text, for "no secret in any log" checks.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}
