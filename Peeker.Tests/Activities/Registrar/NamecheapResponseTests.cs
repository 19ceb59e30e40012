using Peeker.Activities.Registrar;

namespace Peeker.Tests.Activities.Registrar;

/// <summary>Error mapping of recorded Namecheap answers (HTTP 200 with Status="ERROR").</summary>
public sealed class NamecheapResponseTests
{
    private const string NotWhitelisted = """
        <?xml version="1.0" encoding="utf-8"?>
        <ApiResponse Status="ERROR" xmlns="http://api.namecheap.com/xml.response">
          <Errors><Error Number="1011150">Parameter RequestIP is invalid</Error></Errors>
          <Warnings /><RequestedCommand>namecheap.domains.check</RequestedCommand>
          <Server>PHX01APIEXT01</Server><GMTTimeDifference>--5:00</GMTTimeDifference><ExecutionTime>0.004</ExecutionTime>
        </ApiResponse>
        """;

    private const string BackendError = """
        <?xml version="1.0" encoding="utf-8"?>
        <ApiResponse Status="ERROR" xmlns="http://api.namecheap.com/xml.response">
          <Errors><Error Number="3031166">Error while getting server health status</Error></Errors>
          <Warnings /><RequestedCommand>namecheap.domains.create</RequestedCommand>
        </ApiResponse>
        """;

    private const string CheckOk = """
        <?xml version="1.0" encoding="utf-8"?>
        <ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">
          <Errors /><Warnings /><RequestedCommand>namecheap.domains.check</RequestedCommand>
          <CommandResponse Type="namecheap.domains.check">
            <DomainCheckResult Domain="example.com" Available="false" ErrorNo="0" Description="" IsPremiumName="false" PremiumRegistrationPrice="0" PremiumRenewalPrice="0" PremiumRestorePrice="0" PremiumTransferPrice="0" IcannFee="0" EapFee="0" />
          </CommandResponse>
        </ApiResponse>
        """;

    [Fact]
    public void ToException_IpNotWhitelisted_IsNotRetryable()
    {
        var error = NamecheapResponse.Parse(NotWhitelisted).ToException();

        Assert.Equal("1011150", error.Code);
        Assert.False(error.IsRetryable);
        Assert.Contains("whitelist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToException_RegistryBackendError_IsRetryable()
    {
        var error = NamecheapResponse.Parse(BackendError).ToException();

        Assert.Equal("3031166", error.Code);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public void Parse_OkCheck_ExposesResults()
    {
        var parsed = NamecheapResponse.Parse(CheckOk);

        Assert.True(parsed.Ok);
        Assert.Empty(parsed.Errors);
        Assert.Single(parsed.CommandResponse!.Elements());
    }
}
