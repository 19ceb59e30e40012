using System.Text.Json.Nodes;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>Builders for order bodies with unique domain names (domain claims are shared by all partners of an environment).</summary>
public static class OrderTestKit
{
    public const string Password = "S3cret-Smartlead-Pa55word!";

    public static string Unique(string label, string tld = "com") => $"{label}-{Guid.NewGuid():N}"[..(label.Length + 13)] + "." + tld;

    public static string[] Domains(int count, string tld = "com") => Enumerable.Range(0, count).Select(i => Unique($"d{i}", tld)).ToArray();

    /// <summary>A bundle sized to 2 Google + 1 Microsoft domains (2,000/month, 50/50).</summary>
    public static async Task<string> SmallBundleAsync(TestPartner partner)
    {
        var response = await partner.Test.PostAsync("/partner/v1/bundles", new { name = "Small", monthly_sending_volume = 2000 });
        Assert.Equal(3, response.Data.GetProperty("required_domains").GetProperty("total").GetInt32());
        return response.Data.GetProperty("id").GetString()!;
    }

    public static JsonObject BundleOrder(string bundleId, string user, IEnumerable<string> domains) =>
        new()
        {
            ["user"] = user,
            ["bundle_id"] = bundleId,
            ["sequencer"] = Sequencer(),
            ["forwarding_url"] = "https://acme.com",
            ["domains"] = new JsonArray(domains.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
            ["personas"] = new JsonArray(
                new JsonObject
                {
                    ["first_name"] = "Sam",
                    ["last_name"] = "Lee",
                    ["profile_picture_url"] = "",
                }
            ),
        };

    public static JsonObject CustomOrder(string user, int google, int microsoft, int inboxesPerDomain, IEnumerable<string> domains)
    {
        var body = BundleOrder("x", user, domains);
        body.Remove("bundle_id");
        body["google_licenses"] = google;
        body["microsoft_licenses"] = microsoft;
        body["google_inboxes_per_domain"] = inboxesPerDomain;
        return body;
    }

    public static JsonObject Sequencer() =>
        new()
        {
            ["provider"] = "smartlead",
            ["client_id"] = 366903,
            ["login_email"] = "ops@client.com",
            ["login_password"] = Password,
        };
}
