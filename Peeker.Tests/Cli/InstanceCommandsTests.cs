using System.Text.Json;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Functions.PartnerApi;

namespace Peeker.Tests.Cli;

/// <summary><c>peeker instances …</c> and <c>peeker orders show</c> against a real host and engine on Azurite.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class InstanceCommandsTests(PartnerApiFixture fixture)
{
    private readonly CliRunner _cli = new(fixture);

    [Fact]
    public async Task StartThenListAndShow_PrintTheInstance()
    {
        var id = NewId();
        var started = await _cli.RunAsync("instances", "start", Registered, "--id", id, "--input", "{\"a\":1}");

        var list = await _cli.RunAsync("instances", "list", "--prefix", id, "--top", "5");
        var show = await _cli.RunAsync("instances", "show", id);

        Assert.Equal(0, started.ExitCode);
        Assert.Contains(id, started.Out, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        var rows = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("INSTANCE ID", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.StartsWith(id + " ", StringComparison.Ordinal) && r.Contains(Registered, StringComparison.Ordinal));
        Assert.Equal(0, show.ExitCode);
        Assert.Equal(id, PartnerCommandsTests.Field(show.Out, "Instance"));
        Assert.Equal("{\"a\":1}", PartnerCommandsTests.Field(show.Out, "Input"));
    }

    [Fact]
    public async Task ListAndShow_Json_AreParseableJson()
    {
        var id = NewId();
        await _cli.RunAsync("instances", "start", Registered, "--id", id);

        var list = await _cli.RunAsync("instances", "list", "--prefix", id, "--status", "Pending,Running,Failed,Completed", "--json");
        var show = await _cli.RunAsync("instances", "show", id, "--history", "--json");

        Assert.Equal(0, list.ExitCode);
        var array = JsonDocument.Parse(list.Out).RootElement;
        Assert.Equal(id, Assert.Single(array.EnumerateArray()).GetProperty("instanceId").GetString());
        Assert.Equal(0, show.ExitCode);
        var instance = JsonDocument.Parse(show.Out).RootElement;
        Assert.Equal(id, instance.GetProperty("instanceId").GetString());
        Assert.Equal(JsonValueKind.Array, instance.GetProperty("historyEvents").ValueKind);
    }

    [Fact]
    public async Task TerminateAndPurge_AnUnfinishedInstance_TerminateIsAcceptedPurgeIsRefusedWithExit1()
    {
        // A delivery for a partner with no endpoint waits for one, so the instance stays unfinished.
        var id = await fixture
            .Service<IWebhookPublisher>()
            .PublishAsync(
                PeekerEnvironment.Test,
                "org_" + Ulid.NewUlid(),
                "order.completed",
                new { Id = "ord_cli" },
                "ord_cli",
                null,
                CancellationToken.None
            );

        var purge = await _cli.RunAsync("instances", "purge", id);
        var terminate = await _cli.RunAsync("instances", "terminate", id, "--reason", "cli test");

        Assert.Equal(1, purge.ExitCode);
        Assert.Contains("409", purge.Error, StringComparison.Ordinal);
        Assert.Equal(0, terminate.ExitCode);
        Assert.Contains("terminate of " + id + " accepted", terminate.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instances", "show", "cli_missing")]
    [InlineData("instances", "terminate", "cli_missing", "--reason", "ops")]
    [InlineData("instances", "rewind", "cli_missing")]
    [InlineData("instances", "purge", "cli_missing")]
    [InlineData("instances", "raise", "cli_missing", "Approved", "--data", "{\"ok\":true}")]
    [InlineData("orders", "show", "ord_01JZZZZZZZZZZZZZZZZZZZZZZZ")]
    public async Task UnknownInstance_Exits3(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Not found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WrongManagementKey_Exits4WithoutEchoingTheKey()
    {
        _cli.Variables["PEEKER_MANAGEMENT_KEY"] = "mgt_wrong_key_0123456789";

        var result = await _cli.RunAsync("instances", "list");

        Assert.Equal(4, result.ExitCode);
        Assert.DoesNotContain("mgt_wrong_key", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AdminKeyInsteadOfManagementKey_Exits4()
    {
        _cli.Variables["PEEKER_MANAGEMENT_KEY"] = PartnerApiFixture.AdminKey;

        var result = await _cli.RunAsync("instances", "list");

        Assert.Equal(4, result.ExitCode);
    }

    [Theory]
    [InlineData("instances", "lst")]
    [InlineData("instances", "show")]
    [InlineData("instances", "list", "--top", "0")]
    [InlineData("instances", "raise", "x", "Evt", "--data", "{not json")]
    [InlineData("instances", "list", "--url", "ftp://example")]
    public async Task BadCommandLine_Exits2(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task OrdersShow_PrintsTheOrderAndItsSubOrchestrations()
    {
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        await _cli.RunAsync("instances", "start", Registered, "--id", orderId);
        await _cli.RunAsync("instances", "start", Registered, "--id", orderId + ":example.com");

        var table = await _cli.RunAsync("orders", "show", orderId);
        var json = await _cli.RunAsync("orders", "show", orderId, "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Equal(orderId, PartnerCommandsTests.Field(table.Out, "Instance"));
        Assert.Contains("Sub-orchestrations (1):", table.Out, StringComparison.Ordinal);
        Assert.Contains(orderId + ":example.com", table.Out, StringComparison.Ordinal);
        var body = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(orderId, body.GetProperty("order").GetProperty("instanceId").GetString());
        Assert.Equal(
            orderId + ":example.com",
            Assert.Single(body.GetProperty("subOrchestrations").EnumerateArray()).GetProperty("instanceId").GetString()
        );
    }

    [Fact]
    public async Task Start_UnregisteredOrchestrator_Exits3AndCreatesNothing()
    {
        var id = NewId();

        var start = await _cli.RunAsync("instances", "start", "NoSuchOrchestrator", "--id", id);
        var show = await _cli.RunAsync("instances", "show", id);

        Assert.Equal(3, start.ExitCode);
        Assert.Contains("NoSuchOrchestrator", start.Error, StringComparison.Ordinal);
        Assert.Equal(3, show.ExitCode);
    }

    [Fact]
    public async Task Suggest_Directive_CompletesSubcommands()
    {
        var result = await _cli.RunAsync("[suggest:13]", "instances ter");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("terminate", result.Out.Trim());
    }

    // A registered orchestrator: an unknown name is refused (an instance no worker can run would hold its partition).
    // Started with input it cannot use, a delivery fails at once, which these listing tests do not mind.
    private const string Registered = nameof(DeliverWebhookOrchestrator);

    private static string NewId() => "cli_" + Guid.NewGuid().ToString("N");
}
