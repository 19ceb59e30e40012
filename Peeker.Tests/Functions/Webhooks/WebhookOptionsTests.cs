using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Webhooks;

namespace Peeker.Tests.Functions.Webhooks;

/// <summary>The delivery schedule and endpoint window are deployment settings, checked when the host starts.</summary>
public sealed class WebhookOptionsTests
{
    [Fact]
    public void AddPeekerWebhooks_NothingConfigured_SpecScheduleAndWindow()
    {
        var options = Bind([]);

        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(3), TimeSpan.FromHours(24)],
            options.RetrySchedule
        );
        Assert.Equal(TimeSpan.FromHours(24), options.EndpointWindow);
    }

    [Fact]
    public void AddPeekerWebhooks_ScheduleAsOneCommaSeparatedValue_ReplacesTheDefault()
    {
        var options = Bind(
            new() { ["Peeker:Webhooks:RetrySchedule"] = "00:00:00, 00:00:10,1.00:00:00", ["Peeker:Webhooks:EndpointWindow"] = "00:00:03" }
        );

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)], options.RetrySchedule);
        Assert.Equal(TimeSpan.FromSeconds(3), options.EndpointWindow);
    }

    [Fact]
    public void AddPeekerWebhooks_ScheduleAsArraySection_ReplacesTheDefault()
    {
        var options = Bind(new() { ["Peeker:Webhooks:RetrySchedule:0"] = "00:00:00", ["Peeker:Webhooks:RetrySchedule:1"] = "00:02:00" });

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(2)], options.RetrySchedule);
    }

    [Theory]
    [InlineData("00:00:05,00:01:00")] // does not start at the first attempt
    [InlineData("00:00:00,00:01:00,00:00:30")] // goes back
    [InlineData("00:00:00,00:01:00,00:01:00")] // repeats an offset
    [InlineData("00:00:00,soon")]
    [InlineData("")]
    [InlineData("0:0:0,0:0:1,0:0:2,0:0:3,0:0:4,0:0:5,0:0:6,0:0:7,0:0:8,0:0:9,0:0:10")] // eleven attempts
    public void AddPeekerWebhooks_BadSchedule_FailsNamingTheKey(string schedule)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Peeker:Webhooks:RetrySchedule"] = schedule }));

        Assert.Contains("Peeker:Webhooks:RetrySchedule", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("1.00:00:01")]
    public void AddPeekerWebhooks_EndpointWindowOutOfRange_FailsNamingTheKey(string window)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Peeker:Webhooks:EndpointWindow"] = window }));

        Assert.Contains("Peeker:Webhooks:EndpointWindow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPeekerWebhooks_EndpointWindowNotATimeSpan_FailsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(new() { ["Peeker:Webhooks:EndpointWindow"] = "a day" }));

        Assert.Contains("Peeker:Webhooks:EndpointWindow", error.Message, StringComparison.Ordinal);
    }

    private static WebhookOptions Bind(Dictionary<string, string?> settings)
    {
        settings["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        settings["Peeker:EncryptionKey"] = WebhookTestHost.EncryptionKey;
        var services = new ServiceCollection();
        services.AddPeekerWebhooks(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
    }
}
