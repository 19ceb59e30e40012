using Peeker.Cli;
using Peeker.Tests.Functions.PartnerApi;

namespace Peeker.Tests.Cli;

/// <summary>What one in-process run of the CLI wrote and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs <c>peeker</c> in-process against the fixture's host over HTTP, with keys in a fake environment.</summary>
public sealed class CliRunner(PartnerApiFixture fixture)
{
    public Dictionary<string, string?> Variables { get; } =
        new()
        {
            [CliEnvironment.UrlVariable] = "http://localhost",
            [CliEnvironment.AdminKeyVariable] = PartnerApiFixture.AdminKey,
            [CliEnvironment.ManagementKeyVariable] = PartnerApiFixture.ManagementKey,
        };

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var http = fixture.Factory.CreateClient();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PeekerCli.RunAsync(args, new CliEnvironment(http, output, error, name => Variables.GetValueOrDefault(name)));
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
