using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Orders;
using Peeker.Activities.Registrar;
using Peeker.Activities.Smartlead;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.PartnerApi;

[CollectionDefinition(Name)]
public sealed class PartnerApiGroup : ICollectionFixture<PartnerApiFixture>
{
    public const string Name = "PartnerApi";
}

/// <summary>One Azurite and one host for the Partner API tests; every test creates its own partner, so tests never see each other's data.</summary>
public sealed class PartnerApiFixture : IAsyncLifetime
{
    public const string AdminKey = "adm_test_admin_key_0123456789abcdef";
    public const string ManagementKey = "mgt_test_management_key_0123456789";
    public const string DemoKey = "pk_test_demo0000000000000000000000000000";

    private readonly AzuriteFixture _azurite = new();

    public FakeTimeProvider Time { get; } =
        new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public FakeRegistrarFactory Registrar { get; } = new();

    public RecordingWorkflows Workflows { get; } = new();

    public RecordingUserNameSwaps UserNameSwaps { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string ConnectionString => _azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Factory = CreateFactory();
        using var client = Factory.CreateClient();
        await client.GetAsync(new Uri("/health", UriKind.Relative));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    /// <summary>A host on this fixture's Azurite, fakes and clock, with optional extra settings.</summary>
    public WebApplicationFactory<Program> CreateFactory(IDictionary<string, string>? settings = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            var all = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = ConnectionString,
                ["Peeker:AdminKey"] = AdminKey,
                ["Peeker:ManagementKey"] = ManagementKey,
                ["Peeker:DemoApiKey"] = DemoKey,

                // The live cancellation rule (end of the renewal period), not the sample settings' sandbox shortcut.
                ["Peeker:SandboxCancellationDelay"] = "",

                // No engine runs imports here, so the synchronous import answers at once instead of waiting for zones.
                ["Provisioning:ImportResponseWait"] = "00:00:00",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                all[key] = value;
            }

            foreach (var (key, value) in all)
            {
                b.UseSetting(key, value);
            }

            // Added last, so these win over local.settings(.sample).json, which the host reads after the builder settings.
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(all));
            b.ConfigureLogging(l => l.AddProvider(new FakeLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Trace));
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(Time);
                s.AddSingleton<IRegistrarClientFactory>(Registrar);
                s.AddSingleton<IOrderWorkflows>(Workflows);
                s.AddSingleton<Peeker.Activities.Swaps.IUserNameSwapWorkflows>(UserNameSwaps);
                s.AddSingleton<ISequencerClients>(new FakeSequencerClients());
            });
        });

    public T Service<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();

    public ApiClient Client(string? bearer, WebApplicationFactory<Program>? factory = null)
    {
        var http = (factory ?? Factory).CreateClient();
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return new ApiClient(http);
    }

    public ApiClient Admin() => Client(AdminKey);

    /// <summary>A new partner with full test and live keys.</summary>
    public async Task<TestPartner> NewPartnerAsync(string name = "Acme Agency")
    {
        var response = await Admin().PostAsync("/admin/v1/partners", new { name });
        Assert.Equal(HttpStatusCode.Created, response.Status);
        var data = response.Data;
        var test = data.GetProperty("api_keys").GetProperty("test").GetString()!;
        var live = data.GetProperty("api_keys").GetProperty("live").GetString()!;
        return new TestPartner(data.GetProperty("id").GetString()!, test, live, Client(test), Client(live));
    }

    /// <summary>A key with a preset for an existing partner.</summary>
    public async Task<string> NewKeyAsync(string partnerId, string preset, string environment = "test")
    {
        var response = await Admin()
            .PostAsync(
                $"/admin/v1/partners/{partnerId}/api_keys",
                new
                {
                    environment,
                    permission_preset = preset,
                    label = preset,
                }
            );
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Data.GetProperty("key").GetString()!;
    }
}

public sealed record TestPartner(string Id, string TestKey, string LiveKey, ApiClient Test, ApiClient Live);

public sealed record ApiResponse(HttpStatusCode Status, string Raw, HttpResponseMessage Message)
{
    public JsonElement Body => JsonDocument.Parse(Raw).RootElement;

    public JsonElement Data => Body.GetProperty("data");

    public JsonElement Error => Body.GetProperty("error");

    public string? ErrorCode => Body.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null;

    public string? RequestId => Message.Headers.TryGetValues("Peeker-Request-Id", out var v) ? v.Single() : null;
}

public sealed class ApiClient(HttpClient http)
{
    public HttpClient Http => http;

    public Task<ApiResponse> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Delete, path));

    public Task<ApiResponse> PostAsync(string path, object? body) => SendAsync(With(HttpMethod.Post, path, body));

    public Task<ApiResponse> PatchAsync(string path, object? body) => SendAsync(With(HttpMethod.Patch, path, body));

    public Task<ApiResponse> PutAsync(string path, object? body) => SendAsync(With(HttpMethod.Put, path, body));

    public Task<ApiResponse> PostRawAsync(string path, string content, string mediaType = "application/json") =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(content, Encoding.UTF8, mediaType) });

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await http.SendAsync(request);
            return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }
    }

    private static HttpRequestMessage With(HttpMethod method, string path, object? body) =>
        new(method, path)
        {
            Content = body is null
                ? null
                : new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
}
