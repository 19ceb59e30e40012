using System.Globalization;
using System.Xml.Linq;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Registrar;

/// <summary>One sandbox partner's registrar account: deterministic availability, prices by TLD, purchases in storage.</summary>
internal sealed class NamecheapAccount(SandboxStore store, string partner, TimeProvider time)
{
    /// <summary>USD first-year and renewal prices by TLD; any other TLD is unsupported (error 2030280).</summary>
    public static readonly IReadOnlyDictionary<string, (decimal Register, decimal Renew)> Prices = new Dictionary<
        string,
        (decimal, decimal)
    >
    {
        ["com"] = (10.98m, 15.98m),
        ["net"] = (12.98m, 17.98m),
        ["org"] = (9.98m, 16.98m),
        ["co"] = (11.98m, 32.98m),
        ["io"] = (34.98m, 59.98m),
        ["info"] = (3.98m, 24.98m),
        ["biz"] = (5.98m, 19.98m),
        ["us"] = (6.98m, 12.98m),

        // Google-only TLDs (HSTS preloaded; Microsoft 365 cannot take them), so microsoft_split_unsatisfied can be rehearsed.
        ["app"] = (14.98m, 20.98m),
        ["dev"] = (12.98m, 17.98m),
        ["xyz"] = (1.98m, 14.98m),
    };

    private static readonly XNamespace Ns = Xml.Ns;

    public async Task<IResult> CheckAsync(Dictionary<string, string> p, CancellationToken ct)
    {
        var rows = new List<XElement>();
        var domains = (p.GetValueOrDefault("DomainList") ?? "").Split(
            ',',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
        );
        var quotes = await Task.WhenAll(domains.Select(d => QuoteAsync(d.ToLowerInvariant(), ct)));
        foreach (var (domain, quote) in domains.Zip(quotes))
        {
            rows.Add(
                new XElement(
                    Ns + "DomainCheckResult",
                    new XAttribute("Domain", domain),
                    new XAttribute("Available", quote.Available ? "true" : "false"),
                    new XAttribute("ErrorNo", quote.Supported ? "0" : "2030280"),
                    new XAttribute("Description", quote.Supported ? "" : "TLD is not supported"),
                    new XAttribute("IsPremiumName", quote.Premium ? "true" : "false"),
                    new XAttribute("PremiumRegistrationPrice", Xml.Money(quote.Premium ? quote.Register : 0)),
                    new XAttribute("PremiumRenewalPrice", Xml.Money(quote.Premium ? quote.Renew : 0)),
                    new XAttribute("PremiumRestorePrice", "0"),
                    new XAttribute("PremiumTransferPrice", "0"),
                    new XAttribute("IcannFee", "0"),
                    new XAttribute("EapFee", "0")
                )
            );
        }

        return Xml.Ok("namecheap.domains.check", rows.ToArray());
    }

    public static IResult Pricing(Dictionary<string, string> p)
    {
        var tld = (p.GetValueOrDefault("ProductName") ?? "").ToLowerInvariant();
        if (!Prices.TryGetValue(tld, out var price))
        {
            return Xml.Error("namecheap.users.getPricing", "2030280", "TLD is not supported");
        }

        var only = p.GetValueOrDefault("ProductCategory")?.ToLowerInvariant();
        XElement Category(string name, decimal amount) =>
            new(
                Ns + "ProductCategory",
                new XAttribute("Name", name),
                new XElement(
                    Ns + "Product",
                    new XAttribute("Name", tld),
                    new XElement(
                        Ns + "Price",
                        new XAttribute("Duration", "1"),
                        new XAttribute("DurationType", "YEAR"),
                        new XAttribute("Price", Xml.Money(amount)),
                        new XAttribute("RegularPrice", Xml.Money(amount)),
                        new XAttribute("YourPrice", Xml.Money(amount)),
                        new XAttribute("Currency", "USD")
                    )
                )
            );
        var categories = new[] { Category("register", price.Register), Category("renew", price.Renew) }.Where(c =>
            only is null || (string?)c.Attribute("Name") == only
        );
        return Xml.Ok(
            "namecheap.users.getPricing",
            new XElement(Ns + "UserGetPricingResult", new XElement(Ns + "ProductType", new XAttribute("Name", "domains"), categories))
        );
    }

    public async Task<IResult> CreateAsync(Dictionary<string, string> p, CancellationToken ct)
    {
        const string Command = "namecheap.domains.create";
        var domain = (p.GetValueOrDefault("DomainName") ?? "").ToLowerInvariant();
        if (domain.Length is 0 or > 70 || !domain.Contains('.', StringComparison.Ordinal))
        {
            return Xml.Error(Command, "2011169", "Validation error from DomainName");
        }

        var years = int.TryParse(p.GetValueOrDefault("Years") ?? "2", CultureInfo.InvariantCulture, out var y) ? y : 0;
        if (years is < 1 or > 10)
        {
            return Xml.Error(Command, "2015167", "Validation error from Years");
        }

        foreach (
            var field in new[]
            {
                "FirstName",
                "LastName",
                "Address1",
                "City",
                "StateProvince",
                "PostalCode",
                "Country",
                "Phone",
                "EmailAddress",
            }
        )
        {
            if (string.IsNullOrWhiteSpace(p.GetValueOrDefault("Registrant" + field)))
            {
                return Xml.Error(Command, "2011280", $"Validation error from Registrant{field}");
            }
        }

        var quote = await QuoteAsync(domain, ct);
        if (!quote.Supported)
        {
            return Xml.Error(Command, "2030280", "TLD is not supported");
        }

        if (!quote.Available)
        {
            return Xml.Error(Command, "4019166", "Domain not available");
        }

        var premiumFlag = string.Equals(p.GetValueOrDefault("IsPremiumDomain"), "true", StringComparison.OrdinalIgnoreCase);
        if (quote.Premium != premiumFlag)
        {
            return Xml.Error(Command, "2515623", "Domain is premium while considered regular or is regular while considered premium");
        }

        if (
            quote.Premium
            && p.GetValueOrDefault("PremiumPrice") != Xml.Money(quote.Register)
            && !(
                decimal.TryParse(p.GetValueOrDefault("PremiumPrice"), NumberStyles.Number, CultureInfo.InvariantCulture, out var echoed)
                && echoed == quote.Register
            )
        )
        {
            return Xml.Error(Command, "2515610", "Prices do not match");
        }

        var nameservers = (p.GetValueOrDefault("Nameservers") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .ToList();
        var now = time.GetUtcNow();
        var id = SandboxFaults.Hash(partner + "|" + domain, 90_000_000) + 10_000_000;
        var charged = quote.Register + (quote.Renew * (years - 1));
        var row = new RegistrarDomainState(
            domain,
            id.ToString(CultureInfo.InvariantCulture),
            (id + 1).ToString(CultureInfo.InvariantCulture),
            (id + 2).ToString(CultureInfo.InvariantCulture),
            years,
            nameservers,
            nameservers.Count > 0,
            charged,
            now,
            now.AddYears(years)
        );

        // The domain row is the exactly-once guard: a concurrent or repeated create finds it and buys nothing.
        if (!await store.TryAddAsync(partner, SandboxKinds.RegistrarDomain, domain, row, ct))
        {
            return Xml.Error(Command, "4019166", "Domain not available");
        }

        await store.UpsertAsync(partner, SandboxKinds.RegistrarPurchase, domain + "|" + row.OrderId, row, ct);
        if (SandboxFaults.Has(domain, SandboxFaults.LostAnswer))
        {
            // Bought, but the answer never reaches the caller (a gateway timing out in front of the registrar).
            return Results.Text("Gateway Timeout", "text/plain", statusCode: StatusCodes.Status504GatewayTimeout);
        }

        return Xml.Ok(
            Command,
            new XElement(
                Ns + "DomainCreateResult",
                new XAttribute("Domain", domain),
                new XAttribute("Registered", "true"),
                new XAttribute("ChargedAmount", Xml.Money(charged)),
                new XAttribute("DomainID", row.DomainId),
                new XAttribute("OrderID", row.OrderId),
                new XAttribute("TransactionID", row.TransactionId),
                new XAttribute("WhoisguardEnable", "true"),
                new XAttribute("NonRealTimeDomain", "false")
            )
        );
    }

    public async Task<IResult> GetInfoAsync(Dictionary<string, string> p, CancellationToken ct)
    {
        const string Command = "namecheap.domains.getInfo";
        var domain = (p.GetValueOrDefault("DomainName") ?? "").ToLowerInvariant();
        var row = await store.GetAsync<RegistrarDomainState>(partner, SandboxKinds.RegistrarDomain, domain, ct);
        if (
            row is null
            || await SandboxFaults.FireAsync(store, partner, SandboxFaults.LostAnswer, domain, SandboxFaults.LostAnswerProcessingReads, ct)
        )
        {
            return Xml.Error(Command, "2019166", "Domain not found");
        }

        var nameservers = row.Custom ? row.Nameservers : ["dns1.registrar-servers.com", "dns2.registrar-servers.com"];
        return Xml.Ok(
            Command,
            new XElement(
                Ns + "DomainGetInfoResult",
                new XAttribute("Status", "Ok"),
                new XAttribute("ID", row.DomainId),
                new XAttribute("DomainName", domain),
                new XAttribute("OwnerName", partner),
                new XAttribute("IsOwner", "true"),
                new XElement(
                    Ns + "DomainDetails",
                    new XElement(Ns + "CreatedDate", row.CreatedOn.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture)),
                    new XElement(Ns + "ExpiredDate", row.ExpiresOn.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture))
                ),
                new XElement(
                    Ns + "DnsDetails",
                    new XAttribute("ProviderType", row.Custom ? "CUSTOM" : "FREE"),
                    new XAttribute("IsUsingOurDNS", row.Custom ? "false" : "true"),
                    nameservers.Select(n => new XElement(Ns + "Nameserver", n))
                )
            )
        );
    }

    public async Task<IResult> SetCustomAsync(Dictionary<string, string> p, CancellationToken ct)
    {
        const string Command = "namecheap.domains.dns.setCustom";
        var domain = ((p.GetValueOrDefault("SLD") ?? "") + "." + (p.GetValueOrDefault("TLD") ?? "")).ToLowerInvariant();
        var row = await store.GetAsync<RegistrarDomainState>(partner, SandboxKinds.RegistrarDomain, domain, ct);
        if (row is null)
        {
            return Xml.Error(Command, "2019166", "Domain not found");
        }

        var nameservers = (p.GetValueOrDefault("Nameservers") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .ToList();
        if (nameservers.Count < 2)
        {
            return Xml.Error(Command, "2011168", "Nameservers are not valid");
        }

        await store.UpsertAsync(partner, SandboxKinds.RegistrarDomain, domain, row with { Nameservers = nameservers, Custom = true }, ct);
        return Xml.Ok(
            Command,
            new XElement(Ns + "DomainDNSSetCustomResult", new XAttribute("Domain", domain), new XAttribute("Updated", "true"))
        );
    }

    /// <summary>Deterministic per name: unsupported TLD, taken, premium (short or "premium" labels), else available at the TLD price.</summary>
    private async Task<(bool Supported, bool Available, bool Premium, decimal Register, decimal Renew)> QuoteAsync(
        string domain,
        CancellationToken ct
    )
    {
        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !Prices.TryGetValue(domain[(dot + 1)..], out var price))
        {
            return (false, false, false, 0, 0);
        }

        var label = domain[..dot];
        var premium = label.Length <= 3 || label.Contains(SandboxFaults.Premium, StringComparison.Ordinal);
        if (premium)
        {
            var amount = 500m + (SandboxFaults.Hash(domain, 20) * 100m);
            price = (amount, amount);
        }

        var owned = await store.GetAsync<RegistrarDomainState>(partner, SandboxKinds.RegistrarDomain, domain, ct) is not null;
        var available = !owned && !label.Contains(SandboxFaults.Taken, StringComparison.Ordinal);
        return (true, available, premium, price.Register, price.Renew);
    }
}

/// <summary>A registered domain (also the purchase log row).</summary>
public sealed record RegistrarDomainState(
    string Domain,
    string DomainId,
    string OrderId,
    string TransactionId,
    int Years,
    List<string> Nameservers,
    bool Custom,
    decimal ChargedAmount,
    DateTimeOffset CreatedOn,
    DateTimeOffset ExpiresOn
);
