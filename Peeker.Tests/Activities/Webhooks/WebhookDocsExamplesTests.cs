using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Peeker.Activities.Common;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Webhooks;

public sealed class WebhookDocsExamplesTests
{
    [Fact]
    public void ReadmeCSharpVerifier_WorkedExample_AcceptsAndRejects()
    {
        using var example = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "webhooks", "signature-example.json"))
        );
        var secret = example.RootElement.GetProperty("secret").GetString()!;
        var body = Encoding.UTF8.GetBytes(example.RootElement.GetProperty("body").GetString()!);
        var headers = example.RootElement.GetProperty("headers");
        var timestamp = headers.GetProperty("Peeker-Timestamp").GetString()!;
        var signature = headers.GetProperty("Peeker-Signature").GetString()!;
        var now = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture));

        Assert.True(IsValid(secret, timestamp, signature, body, now));
        Assert.True(IsValid(secret, timestamp, "v1=" + new string('0', 64) + " " + signature, body, now));
        Assert.False(IsValid("whsec_wrong", timestamp, signature, body, now));
        Assert.False(IsValid(secret, timestamp, signature, body, now.AddMinutes(6)));
        Assert.Contains(
            "var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + \".\").Concat(rawBody).ToArray());",
            File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void EnvelopeExample_HasTheFieldsThePublisherWrites()
    {
        using var example = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "webhooks", "order.in_progress.json"))
        );
        var root = example.RootElement;

        Assert.Equal(["id", "type", "created_at", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("evt_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        var createdAt = root.GetProperty("created_at").GetString()!;
        Assert.Equal(createdAt, PeekerJson.Format(DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture)));
        Assert.Equal(JsonValueKind.Object, root.GetProperty("data").ValueKind);
    }

    [Fact]
    public void SwapCompletedExample_DataHasExactlyTheFieldsOfACompletedSwapView()
    {
        using var example = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "webhooks", "swap.completed.json"))
        );
        var data = example.RootElement.GetProperty("data");
        var at = DateTimeOffset.Parse(data.GetProperty("created_at").GetString()!, CultureInfo.InvariantCulture);
        var swap = new Peeker.Activities.Swaps.Swap(
            data.GetProperty("id").GetString()!,
            "org_x",
            "standard",
            "dom_x",
            "team-acme.com",
            "acme-fresh.com",
            "ord_x",
            "usr_x",
            "completed",
            null,
            at,
            at,
            at
        )
        {
            ReplacementDomainId = "dom_y",
        };
        var written = JsonSerializer.SerializeToElement(Peeker.Activities.Swaps.SwapView.Of(swap), PeekerJson.Options);

        Assert.Equal("swap.completed", example.RootElement.GetProperty("type").GetString());
        Assert.Equal(written.EnumerateObject().Select(p => p.Name), data.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("swp_", data.GetProperty("id").GetString(), StringComparison.Ordinal);
    }

    // Copied verbatim from the README ("Verifying a delivery"): the code partners copy must work.
#pragma warning disable CA1310, CA1305
    private static bool IsValid(string secret, string timestamp, string signatureHeader, byte[] rawBody, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var ts) || Math.Abs(now.ToUnixTimeSeconds() - ts) > 300)
            return false;
        var expected = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(timestamp + ".").Concat(rawBody).ToArray()
        );
        return signatureHeader
            .Split(' ', ',')
            .Any(v =>
                v.StartsWith("v1=") && v.Length == 67 && CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v[3..]))
            );
    }
#pragma warning restore CA1310, CA1305
}
