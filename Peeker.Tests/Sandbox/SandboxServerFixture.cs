using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;
using Peeker.Sandbox;
using Peeker.Sandbox.State;
using Peeker.Tests.Support;

namespace Peeker.Tests.Sandbox;

/// <summary>
/// One Azurite and one Kestrel (127.0.0.1, free port) serving the simulators for every provider contract test, plus the
/// real provider clients from <see cref="ProvidersServiceCollectionExtensions.AddPeekerProviders"/> pointed at it.
/// Each test uses its own sandbox partner, so tests never see each other's state. The same simulators also listen on
/// https with a self-signed certificate made in-process (<see cref="HttpsBaseUrl"/>, <see cref="Certificate"/>) and
/// serve Entra's login endpoints at the root there, for Azure.Identity, which refuses a plain-http authority.
/// </summary>
public sealed class SandboxServerFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private WebApplication? _app;
    private ServiceProvider? _providers;

    /// <summary>The simulators' shared secret on this server.</summary>
    public const string Secret = "sbx_fixture_secret_0123456789";

    public string BaseUrl { get; private set; } = "";

    /// <summary>The https address of the same server (root: Entra login; <c>/sandbox/...</c>: the simulators).</summary>
    public string HttpsBaseUrl { get; private set; } = "";

    /// <summary>The server's self-signed TLS certificate (127.0.0.1), trusted only by clients that pin it.</summary>
    public X509Certificate2 Certificate { get; } = CreateCertificate();

    /// <summary>The Entra app certificate (with its private key) registered in the simulator for <see cref="CertificatePartner"/>'s client id.</summary>
    public X509Certificate2 ClientCertificate { get; } = CreateClientCertificate("CN=peeker-sandbox-app");

    /// <summary>The sandbox partner whose Entra app signs in with <see cref="ClientCertificate"/>.</summary>
    public ProviderScope CertificatePartner { get; } = NewPartner();

    /// <summary>The sandbox partner whose Partner Center calls need app+user tokens (Providers:Sandbox:PartnerCenterAppUserClients).</summary>
    public ProviderScope AppUserPartner { get; } = NewPartner();

    /// <summary>The sandbox Google service account key both the simulator and the sandbox clients are configured with.</summary>
    public static string GoogleKeyJson { get; } =
        Peeker.Activities.Providers.SandboxIdentity.GenerateGoogleKey("https://oauth2.googleapis.com/token").ToJson();

    /// <summary>
    /// The clock of the simulators' token endpoints: the real time plus an offset a test may move (and must put back),
    /// so token expiry is tested without waiting while other tests keep the real time.
    /// </summary>
    public ShiftedTimeProvider Time { get; } = new();

    public string StorageConnectionString => _azurite.ConnectionString;

    public FakeLogCollector Logs { get; } = new();

    public IServiceProvider Providers => _providers!;

    public SandboxInspector Inspector => _app!.Services.GetRequiredService<SandboxInspector>();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Certificate));
        });
        builder.Logging.ClearProviders();
        builder.Configuration["AzureWebJobsStorage"] = _azurite.ConnectionString;
        builder.Configuration["Providers:Sandbox:Secret"] = Secret;
        builder.Configuration["Providers:Sandbox:GoogleServiceAccountKey"] = GoogleKeyJson;
        builder.Configuration[
            $"Providers:Sandbox:MicrosoftClientCertificates:{SandboxIdentity.MicrosoftClientId(CertificatePartner.PartnerId)}"
        ] = ClientCertificate.ExportCertificatePem();
        builder.Configuration["Providers:Sandbox:PartnerCenterAppUserClients:0"] = SandboxIdentity.MicrosoftClientId(
            AppUserPartner.PartnerId
        );
        builder.Services.AddSingleton(sp => new SandboxTokens(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SandboxOptions>>(),
            Time
        ));
        builder.Services.AddPeekerSandbox(builder.Configuration);
        _app = builder.Build();
        _app.MapPeekerSandbox();
        _app.MapPeekerSandboxEntraLogin();
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal));
        HttpsBaseUrl = addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal));
        _providers = BuildProviders();
    }

    /// <summary>A provider container against this server; retry delays are tiny unless overridden.</summary>
    public ServiceProvider BuildProviders(
        IDictionary<string, string?>? overrides = null,
        TimeProvider? time = null,
        Action<IServiceCollection>? configure = null
    )
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Sandbox:BaseUrl"] = BaseUrl + "/sandbox",
            ["Providers:Sandbox:Secret"] = Secret,
            ["Providers:Sandbox:GoogleServiceAccountKey"] = GoogleKeyJson,
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
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services
            .AddLogging(b => b.AddProvider(new FakeLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Trace))
            .AddPeekerProviders(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>A raw client that carries the sandbox secret, as the provider clients do.</summary>
    public static HttpClient RawClient()
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Add(SandboxOptions.SecretHeader, Secret);
        return http;
    }

    /// <summary>A handler that trusts exactly <see cref="Certificate"/> and carries the sandbox secret (for "live" clients pointed here).</summary>
    public HttpMessageHandler PinnedHandler() =>
        new SecretHeaderHandler(
            new SocketsHttpHandler
            {
                SslOptions =
                {
                    RemoteCertificateValidationCallback = (_, cert, _, _) =>
                        cert is not null && cert.GetCertHashString() == Certificate.GetCertHashString(),
                },
            }
        );

    private sealed class SecretHeaderHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // A client may send the same request message again (MSAL retries once on a 5xx): one header, not two.
            request.Headers.Remove(SandboxOptions.SecretHeader);
            request.Headers.TryAddWithoutValidation(SandboxOptions.SecretHeader, Secret);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A self-signed RSA-2048 certificate with its private key, as an Entra app credential.</summary>
    public static X509Certificate2 CreateClientCertificate(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        // Kestrel needs the key in a form SslStream can use on Linux: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
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

/// <summary>The system clock moved by <see cref="Offset"/>.</summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

[CollectionDefinition(Name)]
public sealed class SandboxServerGroup : ICollectionFixture<SandboxServerFixture>
{
    public const string Name = "Sandbox server";
}
