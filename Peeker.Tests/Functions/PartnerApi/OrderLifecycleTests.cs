using System.Net;
using Azure.Data.Tables;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Tests.Support;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class OrderLifecycleTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Cancel_WholeOrder_SchedulesAtTheEndOfTheRenewalPeriod()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = (
            await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("cancel@example.com", 2, 1, 2, Domains(2)).ToJsonString())
        ).Data;
        var id = order.GetProperty("id").GetString()!;

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(id, response.Data.GetProperty("id").GetString());
        Assert.Equal("cancel_scheduled", response.Data.GetProperty("status").GetString());
        Assert.Equal(order.GetProperty("renews_at").GetString(), response.Data.GetProperty("cancels_at").GetString());
        Assert.Equal(2, response.Data.GetProperty("domains").GetArrayLength());
        Assert.True(response.Data.TryGetProperty("cancellation_scheduled_at", out _));
        Assert.Equal("cancel_scheduled", (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("status").GetString());
        Assert.Contains(fixture.Workflows.Cancellations, c => c.OrderId == id && c.Domains is null);
        var again = await partner.Test.PostAsync($"/partner/v1/orders/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("order_not_cancellable", again.ErrorCode);
    }

    [Fact]
    public async Task Cancel_SandboxWithCancellationDelay_CancelsAtThatLongAfterAcceptance()
    {
        await using var factory = fixture.CreateFactory(
            new Dictionary<string, string> { ["Peeker:SandboxCancellationDelay"] = "00:00:30" }
        );
        var partner = await fixture.NewPartnerAsync();
        var client = fixture.Client(partner.TestKey, factory);
        var id = (await client.PostAsync("/partner/v1/orders", CustomOrder("soon@example.com", 2, 1, 2, Domains(2)).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;

        var response = await client.PostRawAsync($"/partner/v1/orders/{id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var accepted = response.Data.GetProperty("cancellation_scheduled_at").GetDateTimeOffset();
        Assert.Equal(accepted.AddSeconds(30), response.Data.GetProperty("cancels_at").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.Contains(fixture.Workflows.Cancellations, c => c.OrderId == id && c.CancelsAt - accepted < TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task Cancel_SomeDomains_ByNameOrId()
    {
        var partner = await fixture.NewPartnerAsync();
        var domains = Domains(2);
        var id = (await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("partial@example.com", 2, 1, 2, domains).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;
        var details = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("domain_details");
        var secondId = details
            .EnumerateArray()
            .Single(d => d.GetProperty("domain").GetString() == domains[1])
            .GetProperty("id")
            .GetString();

        var byName = await partner.Test.PostAsync(
            $"/partner/v1/orders/{id}/cancel",
            new { domains = new[] { domains[0].ToUpperInvariant() } }
        );
        var order = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data;
        var byId = await partner.Test.PostAsync($"/partner/v1/orders/{id}/cancel", new { domains = new[] { secondId } });
        var unknown = await partner.Test.PostAsync($"/partner/v1/orders/{id}/cancel", new { domains = new[] { "other.com" } });

        Assert.Equal(domains[0], Assert.Single(byName.Data.GetProperty("domains").EnumerateArray()).GetProperty("domain").GetString());
        Assert.Equal("in_progress", order.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, byId.Status);
        Assert.Equal("cancel_scheduled", (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("status").GetString());
        Assert.Contains(fixture.Workflows.Cancellations, c => c.OrderId == id && c.Domains is { Count: 1 });
        Assert.Equal(HttpStatusCode.Conflict, unknown.Status);
    }

    [Fact]
    public async Task Cancel_UnknownDomain_Returns400NamingIt()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("unk@example.com", 2, 1, 2, Domains(2)).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;

        var response = await partner.Test.PostAsync($"/partner/v1/orders/{id}/cancel", new { domains = new[] { "not-on-this-order.com" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("domains[0]", response.Error.GetProperty("field").GetString());
        Assert.Equal("in_progress", (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OtherPartner_CannotReadOrCancelAnOrder()
    {
        var owner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var id = (await owner.Test.PostAsync("/partner/v1/orders", CustomOrder("own@example.com", 2, 1, 2, Domains(2)).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;

        Assert.Equal("not_found", (await other.Test.GetAsync($"/partner/v1/orders/{id}")).ErrorCode);
        Assert.Equal("not_found", (await other.Test.PostAsync($"/partner/v1/orders/{id}/cancel", new { })).ErrorCode);
        Assert.Equal("not_found", (await owner.Live.GetAsync($"/partner/v1/orders/{id}")).ErrorCode);
        Assert.Empty((await other.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
        Assert.Empty((await other.Test.GetAsync("/partner/v1/domains")).Data.EnumerateArray());
        Assert.Equal("in_progress", (await owner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Pending_ListsOpenActionsWithFilters()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = (
            await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("pending@example.com", 2, 1, 2, Domains(2)).ToJsonString())
        ).Data;
        var id = order.GetProperty("id").GetString()!;
        var domain = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("domain_details")[0];
        await fixture
            .Service<PendingActionStore>()
            .AddAsync(
                PeekerEnvironment.Test,
                partner.Id,
                new PendingAction(
                    "act_01JDPENDING000000000000000",
                    id,
                    order.GetProperty("user_id").GetString(),
                    "google_profile_picture",
                    "profile_picture_not_accessible",
                    "open",
                    domain.GetProperty("id").GetString(),
                    domain.GetProperty("domain").GetString(),
                    new Persona("Sam", "Lee", "https://cdn.acme.com/sam.jpg"),
                    "The profile picture URL is not publicly reachable.",
                    fixture.Time.GetUtcNow()
                ),
                default
            );

        var open = await partner.Test.GetAsync("/partner/v1/orders/pending");
        var byOrder = await partner.Test.GetAsync($"/partner/v1/orders/pending?order_id={id}&user=pending@example.com");
        var resolved = await partner.Test.GetAsync("/partner/v1/orders/pending?status=resolved");
        var other = await (await fixture.NewPartnerAsync("Other")).Test.GetAsync("/partner/v1/orders/pending");

        var row = Assert.Single(open.Data.EnumerateArray());
        Assert.Equal("google_profile_picture", row.GetProperty("type").GetString());
        Assert.Equal("profile_picture_not_accessible", row.GetProperty("reason").GetString());
        Assert.Equal("Sam", row.GetProperty("user").GetProperty("first_name").GetString());
        Assert.Single(byOrder.Data.EnumerateArray());
        Assert.Empty(resolved.Data.EnumerateArray());
        Assert.Empty(other.Data.EnumerateArray());
        Assert.Equal(
            "status",
            (await partner.Test.GetAsync("/partner/v1/orders/pending?status=closed")).Error.GetProperty("field").GetString()
        );
    }

    [Fact]
    public async Task Credentials_NeverInResponsesLogsOrStorageButDecryptForActivities()
    {
        var partner = await fixture.NewPartnerAsync();
        var created = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("creds@example.com", 2, 1, 2, Domains(2)).ToJsonString()
        );
        var id = created.Data.GetProperty("id").GetString()!;
        var replay = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("creds@example.com", 2, 1, 2, Domains(2)).ToJsonString()
        );
        var responses = new[]
        {
            created,
            replay,
            await partner.Test.GetAsync($"/partner/v1/orders/{id}"),
            await partner.Test.GetAsync("/partner/v1/orders"),
            await partner.Test.GetAsync("/partner/v1/users"),
            await partner.Test.GetAsync("/partner/v1/domains"),
        };

        Assert.All(responses, r => Assert.DoesNotContain(Password, r.Raw, StringComparison.Ordinal));
        Assert.All(responses, r => Assert.DoesNotContain("login_password", r.Raw, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Lines(), l => l.Contains(Password, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Workflows.Provisioned, p => p.OrderId.Contains(Password, StringComparison.Ordinal));
        var service = new TableServiceClient(fixture.ConnectionString);
        await foreach (var table in service.QueryAsync())
        {
            await foreach (var row in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                Assert.All(
                    ((IDictionary<string, object>)row).Values,
                    v => Assert.DoesNotContain(Password, v?.ToString() ?? "", StringComparison.Ordinal)
                );
            }
        }

        var stored = await fixture.Service<ISequencerCredentialStore>().GetAsync(PeekerEnvironment.Test, id, default);
        Assert.Equal("", stored!.LoginPassword);
        Assert.Equal("", stored.LoginEmail);
        Assert.DoesNotContain(Password, stored.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderStore_LoadsAnOrderByIdAloneForActivities()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("store@example.com", 2, 1, 2, Domains(2)).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;
        var store = fixture.Service<OrderStore>();

        var order = await store.GetByIdAsync(PeekerEnvironment.Test, id, default);
        var updated = await store.SetDomainStatusAsync(PeekerEnvironment.Test, id, order!.Domains[0].Id, "active", default);
        await store.SetStatusAsync(PeekerEnvironment.Test, id, OrderStatus.Completed, default);

        Assert.Equal(partner.Id, order.PartnerId);
        Assert.Equal(2, order.Domains.Count);
        Assert.Equal("active", updated!.Domains[0].Status);
        Assert.Equal("completed", (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("status").GetString());
        Assert.Null(await store.GetByIdAsync(PeekerEnvironment.Live, id, default));
    }
}
