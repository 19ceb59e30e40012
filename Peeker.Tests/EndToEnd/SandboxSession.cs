using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// The real host process on a test's Azurite with the in-host simulators, one new partner whose sandbox webhook points at
/// <see cref="WebhookReceiver"/>, and an <see cref="HttpClient"/> carrying that partner's <c>pk_test_</c> key.
/// </summary>
internal sealed class SandboxSession : IAsyncDisposable
{
    private SandboxSession(HostProcess host, HttpClient http, string partnerId, string secret, string adminKey)
    {
        AdminKey = adminKey;
        Host = host;
        Http = http;
        PartnerId = partnerId;
        Secret = secret;
    }

    public HostProcess Host { get; }

    public HttpClient Http { get; }

    public string PartnerId { get; }

    /// <summary>The host's admin key (<c>_inspect</c> requires it).</summary>
    public string AdminKey { get; }

    /// <summary>The webhook endpoint's signing secret.</summary>
    public string Secret { get; }

    /// <summary>Starts the host (plus <paramref name="settings"/>) and creates the partner and its webhook.</summary>
    public static async Task<SandboxSession> StartAsync(
        AzuriteFixture azurite,
        string adminKey,
        string partnerName,
        WebhookReceiver receiver,
        IDictionary<string, string>? settings = null
    )
    {
        var host = new HostProcess(EndToEndSettings.For(azurite, adminKey));
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            host.Environment[key] = value;
        }

        var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await host.StartAsync();
            var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, adminKey, partnerName);
            var secret = await EndToEndSettings.SetWebhookAsync(http, adminKey, partnerId, receiver.Url);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return new SandboxSession(host, http, partnerId, secret, adminKey);
        }
        catch
        {
            http.Dispose();
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A file of <c>docs/examples/partner-api</c> as a JSON body.</summary>
    public static StringContent Example(string name, Func<string, string>? edit = null)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "partner-api", name));
        return new StringContent(edit?.Invoke(text) ?? text, Encoding.UTF8, "application/json");
    }

    /// <summary>Places <paramref name="body"/> as an order and returns its id.</summary>
    public async Task<string> PlaceOrderAsync(HttpContent body)
    {
        using var response = await Http.PostAsync(new Uri("/partner/v1/orders", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetString()!;
    }

    /// <summary>The <c>data</c> of a partner GET.</summary>
    public async Task<JsonElement> GetDataAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    /// <summary>Everything the simulators hold for the partner, each row as JSON text, by kind.</summary>
    public async Task<SandboxState> InspectAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/_inspect/{PartnerId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SandboxState(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>A read of <c>/sandbox/_inspect/{partner}</c>.</summary>
internal sealed record SandboxState(JsonElement Seen)
{
    public List<string> Rows(string kind) =>
        Seen.TryGetProperty(kind, out var rows) ? [.. rows.EnumerateArray().Select(r => r.ToString())] : [];

    public int Count(string kind) => Rows(kind).Count;
}
