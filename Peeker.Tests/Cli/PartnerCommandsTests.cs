using System.Text.Json;
using Peeker.Tests.Functions.PartnerApi;

namespace Peeker.Tests.Cli;

/// <summary><c>peeker partners …</c> against a real host: keys are printed once, operator keys never.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class PartnerCommandsTests(PartnerApiFixture fixture)
{
    private readonly CliRunner _cli = new(fixture);

    [Fact]
    public async Task Create_Json_PrintsPartnerWithBothKeysAsParseableJson()
    {
        var result = await _cli.RunAsync("partners", "create", "Acme CLI", "--json");

        Assert.Equal(0, result.ExitCode);
        var data = JsonDocument.Parse(result.Out).RootElement.GetProperty("data");
        Assert.StartsWith("org_", data.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("pk_test_", data.GetProperty("api_keys").GetProperty("test").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("pk_live_", data.GetProperty("api_keys").GetProperty("live").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateThenKeys_Table_PrintsEachNewKeyOnceAndNoOperatorKey()
    {
        var created = await _cli.RunAsync("partners", "create", "Acme CLI");
        var partnerId = Field(created.Out, "Partner");

        var keys = await _cli.RunAsync("partners", "keys", partnerId, "--environment", "live", "--preset", "read");

        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, keys.ExitCode);
        Assert.Equal(1, Count(created.Out, "pk_test_"));
        Assert.Equal(1, Count(created.Out, "pk_live_"));
        Assert.Equal(1, Count(keys.Out, "pk_live_"));
        Assert.Equal("read", Field(keys.Out, "Preset"));
        Assert.Equal(partnerId, Field(keys.Out, "Partner"));
        Assert.DoesNotContain(PartnerApiFixture.AdminKey, created.Out + created.Error + keys.Out + keys.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_UnknownPartner_Exits3()
    {
        var result = await _cli.RunAsync("partners", "keys", "org_01JZZZZZZZZZZZZZZZZZZZZZZZ", "--environment", "test");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Not found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WrongAdminKey_Exits4WithoutEchoingTheKey()
    {
        _cli.Variables["PEEKER_ADMIN_KEY"] = "adm_wrong_key_0123456789abcdef";

        var result = await _cli.RunAsync("partners", "create", "Nope");

        Assert.Equal(4, result.ExitCode);
        Assert.DoesNotContain("adm_wrong_key", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_UnknownEnvironment_Exits2()
    {
        var result = await _cli.RunAsync("partners", "keys", "org_x", "--environment", "prod");

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Create_AdminKeyUnset_Exits2NamingTheVariable()
    {
        _cli.Variables.Remove("PEEKER_ADMIN_KEY");

        var result = await _cli.RunAsync("partners", "create", "Nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("PEEKER_ADMIN_KEY", result.Error, StringComparison.Ordinal);
    }

    internal static string Field(string output, string name) =>
        output
            .Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..]
            .Trim();

    private static int Count(string text, string value) => text.Split(value).Length - 1;
}
