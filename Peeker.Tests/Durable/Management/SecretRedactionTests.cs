using Peeker.Durable.Management;

namespace Peeker.Tests.Durable.Management;

/// <summary>What the console shows of inputs, outputs and simulator state: secrets masked at any depth.</summary>
public sealed class SecretRedactionTests
{
    [Fact]
    public void Redact_SecretNamedPropertiesAtAnyDepth_AreMaskedAndTheRestKept()
    {
        const string json =
            """{"order":"ord_1","sequencer":{"login_password":"hunter2","items":[{"apiKey":"k1","refresh_token":"t"}]},"ClientSecret":"s"}""";

        var shown = SecretRedaction.Redact(json)!;

        Assert.DoesNotContain("hunter2", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\"k1\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\"t\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\"s\"", shown, StringComparison.Ordinal);
        Assert.Contains("ord_1", shown, StringComparison.Ordinal);
        Assert.Equal(4, shown.Split(SecretRedaction.Mask).Length - 1);
    }

    [Fact]
    public void Redact_TextThatIsNotJson_ComesBackAsItIs()
    {
        Assert.Equal("InvalidOperationException: provider down", SecretRedaction.Redact("InvalidOperationException: provider down"));
        Assert.Null(SecretRedaction.Redact(" "));
    }
}
