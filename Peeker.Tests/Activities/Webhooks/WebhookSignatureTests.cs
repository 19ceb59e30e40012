using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Webhooks;

public sealed class WebhookSignatureTests
{
    // Fixed vector. Regenerate the signature independently with:
    //   printf '%s.%s' 1778241600 "$BODY" | openssl dgst -sha256 -hmac 'whsec_7Gq2Zr0bVx4kLm9PnT3sWc8YdF1hJe6A'
    private const string Secret = "whsec_7Gq2Zr0bVx4kLm9PnT3sWc8YdF1hJe6A";
    private const string OldSecret = "whsec_old_Kd8sP2mQ7vX4nB9cR1tY6wZ3";
    private const long Timestamp = 1778241600; // 2026-05-08T12:00:00Z
    private const string Body =
        """{"id":"evt_01JTRX5Q8M3K7V2N9C4B6D1F0H","type":"order.in_progress","created_at":"2026-05-08T12:00:00Z","data":{"id":"ord_01JTRX4Z2Y7W5V3T1S9R8Q6P4N","status":"in_progress"}}""";
    private const string Expected = "f07dfaf61ff2661c75cd8607f7201e329cb20da0b6aea16019173a666c72ab3b";
    private const string ExpectedWithOldSecret = "66c2626da8652950a846c7bc2ae450b2b7b72754f497e72ea53f7462e9902b0e";

    private static readonly FakeTimeProvider AtSigning = new(DateTimeOffset.FromUnixTimeSeconds(Timestamp));

    [Fact]
    public void ComputeSignature_FixedVector_MatchesOpensslOutput()
    {
        Assert.Equal(Expected, WebhookSignature.ComputeSignature(Secret, Timestamp, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(ExpectedWithOldSecret, WebhookSignature.ComputeSignature(OldSecret, Timestamp, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void BuildHeader_TwoSecrets_SendsTwoV1ValuesCurrentFirst()
    {
        var header = WebhookSignature.BuildHeader([Secret, OldSecret], Timestamp, Encoding.UTF8.GetBytes(Body));

        Assert.Equal($"v1={Expected} v1={ExpectedWithOldSecret}", header);
    }

    [Fact]
    public void Verify_FixedVector_IsValid()
    {
        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(Secret, Headers($"v1={Expected}"), Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_ReadmeWorkedExample_IsValidAndMatchesCode()
    {
        using var example = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "webhooks", "signature-example.json"))
        );
        var root = example.RootElement;
        var secret = root.GetProperty("secret").GetString()!;
        var timestamp = root.GetProperty("timestamp").GetInt64();
        var body = root.GetProperty("body").GetString()!;
        var headers = root.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(timestamp));

        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(secret, headers, body, WebhookSignature.DefaultTolerance, clock));
        Assert.Equal(headers["Peeker-Signature"], WebhookSignature.BuildHeader([secret], timestamp, Encoding.UTF8.GetBytes(body)));
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Contains(secret, readme, StringComparison.Ordinal);
        Assert.Contains(headers["Peeker-Signature"], readme, StringComparison.Ordinal);
        Assert.Contains(body, readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_HeaderNamesInLowerCase_AreFound()
    {
        var headers = new Dictionary<string, string> { ["peeker-timestamp"] = "1778241600", ["peeker-signature"] = $"v1={Expected}" };

        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(Secret, headers, Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_TimestampOlderThanFiveMinutes_IsRejectedAsTooOld()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp));
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal(
            WebhookVerification.TimestampTooOld,
            WebhookSignature.Verify(Secret, Headers($"v1={Expected}"), Body, WebhookSignature.DefaultTolerance, clock)
        );
    }

    [Fact]
    public void Verify_TimestampExactlyFiveMinutesOld_IsAccepted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp + 300));

        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(Secret, Headers($"v1={Expected}"), Body, WebhookSignature.DefaultTolerance, clock)
        );
    }

    [Fact]
    public void Verify_TimestampMoreThanFiveMinutesInFuture_IsRejectedAsFuture()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp - 301));

        Assert.Equal(
            WebhookVerification.TimestampInFuture,
            WebhookSignature.Verify(Secret, Headers($"v1={Expected}"), Body, WebhookSignature.DefaultTolerance, clock)
        );
    }

    [Fact]
    public void Verify_WrongSecret_IsRejectedAsMismatch()
    {
        Assert.Equal(
            WebhookVerification.SignatureMismatch,
            WebhookSignature.Verify("whsec_someone_else", Headers($"v1={Expected}"), Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_BodyChangedByOneByte_IsRejectedAsMismatch()
    {
        Assert.Equal(
            WebhookVerification.SignatureMismatch,
            WebhookSignature.Verify(Secret, Headers($"v1={Expected}"), Body + " ", WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_TimestampHeaderChanged_IsRejectedAsMismatch()
    {
        var headers = Headers($"v1={Expected}");
        headers["Peeker-Timestamp"] = (Timestamp + 1).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(
            WebhookVerification.SignatureMismatch,
            WebhookSignature.Verify(Secret, headers, Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Theory]
    [InlineData("f07dfaf61ff2661c75cd8607f7201e329cb20da0b6aea16019173a666c72ab3b")] // no scheme
    [InlineData("v1=")] // empty
    [InlineData("v1=F07DFAF61FF2661C75CD8607F7201E329CB20DA0B6AEA16019173A666C72AB3B")] // uppercase hex
    [InlineData("v1=f07dfaf61ff2661c")] // truncated
    [InlineData("v1=zz7dfaf61ff2661c75cd8607f7201e329cb20da0b6aea16019173a666c72ab3b")] // not hex
    public void Verify_MalformedSignatureHeader_IsRejectedAsMalformed(string header)
    {
        Assert.Equal(
            WebhookVerification.MalformedHeader,
            WebhookSignature.Verify(Secret, Headers(header), Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Theory]
    [InlineData("")]
    [InlineData("17782416OO")]
    [InlineData("-1778241600")]
    [InlineData("1778241600.5")]
    public void Verify_MalformedTimestampHeader_IsRejectedAsMalformed(string timestamp)
    {
        var headers = Headers($"v1={Expected}");
        headers["Peeker-Timestamp"] = timestamp;

        Assert.Equal(
            WebhookVerification.MalformedHeader,
            WebhookSignature.Verify(Secret, headers, Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_SignatureHeaderMissing_IsRejectedAsMissing()
    {
        var headers = new Dictionary<string, string> { ["Peeker-Timestamp"] = "1778241600" };

        Assert.Equal(
            WebhookVerification.MissingHeader,
            WebhookSignature.Verify(Secret, headers, Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_DuringRotationOnlyOldSignatureValidForReceiver_IsAccepted()
    {
        // A receiver still on the old secret gets "v1=<new> v1=<old>": the second value matches.
        var header = $"v1={Expected} v1={ExpectedWithOldSecret}";

        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(OldSecret, Headers(header), Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(Secret, Headers(header), Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_TwoSignaturesNeitherValid_IsRejectedAsMismatch()
    {
        var header = $"v1={ExpectedWithOldSecret} v1={new string('0', 64)}";

        Assert.Equal(
            WebhookVerification.SignatureMismatch,
            WebhookSignature.Verify(Secret, Headers(header), Body, WebhookSignature.DefaultTolerance, AtSigning)
        );
    }

    [Fact]
    public void Verify_CommaSeparatedValues_AreAccepted()
    {
        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(
                Secret,
                Headers($"v1={ExpectedWithOldSecret},v1={Expected}"),
                Body,
                WebhookSignature.DefaultTolerance,
                AtSigning
            )
        );
    }

    private static Dictionary<string, string> Headers(string signature) =>
        new()
        {
            ["Peeker-Event-Id"] = "evt_01JTRX5Q8M3K7V2N9C4B6D1F0H",
            ["Peeker-Timestamp"] = Timestamp.ToString(CultureInfo.InvariantCulture),
            ["Peeker-Signature"] = signature,
        };
}
