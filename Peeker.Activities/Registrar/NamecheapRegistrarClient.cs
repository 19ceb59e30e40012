using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Registrar;

/// <summary>Endpoint and credentials for one Namecheap account (live, or the sandbox partner's simulator account).</summary>
internal sealed record NamecheapSettings(Uri Endpoint, string ApiUser, string ApiKey, string UserName, string ClientIp);

/// <summary>How long a purchase whose answer was lost is confirmed against the account (<see cref="RegistrarOptions"/>).</summary>
internal sealed record PurchaseConfirmation(int Polls, TimeSpan Interval, TimeProvider Time);

/// <summary>
/// Namecheap reseller API (<c>namecheap.domains.check</c>, <c>users.getPricing</c>, <c>domains.create</c>,
/// <c>domains.dns.setCustom</c>, <c>domains.getInfo</c>). Every command is a form POST so the API key never sits
/// in a URL (and so never in an HTTP log line).
/// </summary>
internal sealed class NamecheapRegistrarClient(
    HttpClient http,
    NamecheapSettings settings,
    ProviderRetryOptions retry,
    PurchaseConfirmation confirmation,
    ILogger<NamecheapRegistrarClient> logger
) : ProviderClientBase(http, logger, ProviderNames.Registrar), IRegistrarClient
{
    private readonly XNamespace _ns = NamecheapResponse.Ns;

    public async Task<IReadOnlyList<DomainAvailability>> CheckAvailabilityAsync(
        IReadOnlyList<string> domains,
        CancellationToken cancellationToken
    )
    {
        if (domains.Count == 0)
        {
            return [];
        }

        var response = await CommandAsync(
            "namecheap.domains.check",
            new() { ["DomainList"] = string.Join(',', domains) },
            idempotent: true,
            cancellationToken
        );
        var rows = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var row in response.CommandResponse?.Elements(_ns + "DomainCheckResult") ?? [])
        {
            // A name listed twice comes back twice: keep the first.
            rows.TryAdd(((string?)row.Attribute("Domain") ?? "").ToLowerInvariant(), row);
        }

        var prices = new Dictionary<string, (decimal? Register, decimal? Renew)>(StringComparer.Ordinal);
        var result = new List<DomainAvailability>(domains.Count);
        foreach (var domain in domains)
        {
            if (!rows.TryGetValue(domain.ToLowerInvariant(), out var row) || (string?)row.Attribute("ErrorNo") is { } err && err != "0")
            {
                // 2030280: Namecheap does not sell the TLD.
                result.Add(
                    new DomainAvailability(
                        domain,
                        false,
                        false,
                        null,
                        null,
                        "USD",
                        UnsupportedTld: (string?)row?.Attribute("ErrorNo") == "2030280"
                    )
                );
                continue;
            }

            var available = NamecheapResponse.Bool(row, "Available");
            var premium = NamecheapResponse.Bool(row, "IsPremiumName");
            if (premium)
            {
                result.Add(
                    new DomainAvailability(
                        domain,
                        available,
                        true,
                        NamecheapResponse.Money(row, "PremiumRegistrationPrice"),
                        NamecheapResponse.Money(row, "PremiumRenewalPrice"),
                        "USD"
                    )
                );
                continue;
            }

            var tld = domain[(domain.IndexOf('.', StringComparison.Ordinal) + 1)..];
            if (!prices.TryGetValue(tld, out var price))
            {
                price = await PricingAsync(tld, cancellationToken);
                prices[tld] = price;
            }

            result.Add(new DomainAvailability(domain, available, false, price.Register, price.Renew, "USD"));
        }

        return result;
    }

    public async Task<RegisterDomainResult> RegisterAsync(RegisterDomainRequest request, CancellationToken cancellationToken)
    {
        // Namecheap takes no idempotency key, so every attempt re-checks the account before buying: a purchase whose
        // answer was lost shows up as AlreadyOwned instead of being bought again. Once a create's outcome is unknown,
        // "not available" may be our own purchase still being processed, so from then on only the account answers.
        var uncertain = request.EarlierCreateUncertain;
        for (var attempt = 0; ; attempt++)
        {
            if (await GetDomainInfoAsync(request.Domain, cancellationToken) is { } owned)
            {
                return uncertain ? Confirmed(owned) : new RegisterDomainResult(request.Domain, RegistrationStatus.AlreadyOwned);
            }

            var quote = (await CheckAvailabilityAsync([request.Domain], cancellationToken))[0];
            if (!quote.Available)
            {
                if (!uncertain)
                {
                    return new RegisterDomainResult(request.Domain, RegistrationStatus.Unavailable, Reason: "not_available");
                }

                if (await ConfirmPurchaseAsync(request.Domain, cancellationToken) is { } confirmed)
                {
                    return confirmed;
                }

                continue;
            }

            if (quote.Premium && request.PremiumPrice != quote.FirstYearPrice)
            {
                return new RegisterDomainResult(request.Domain, RegistrationStatus.Unavailable, Reason: "premium_price_not_accepted");
            }

            try
            {
                var result = await CreateAsync(request, quote, cancellationToken);
                if (result.Status != RegistrationStatus.Unavailable || !uncertain)
                {
                    return result;
                }
            }
            catch (ProviderException ex) when (ex.IsRetryable)
            {
                logger.LogWarning(
                    "registrar create of {Domain} failed retryable ({Code}); its outcome is unknown, confirming with the account",
                    request.Domain,
                    ex.Code
                );
                uncertain = true;
                if (attempt >= retry.MaxRetries)
                {
                    // Out of create attempts: settle what the lost answers did; the create itself is not repeated.
                    if (await ConfirmPurchaseAsync(request.Domain, cancellationToken) is { } settled)
                    {
                        return settled;
                    }

                    throw;
                }
            }

            if (await ConfirmPurchaseAsync(request.Domain, cancellationToken) is { } ours)
            {
                return ours;
            }
        }
    }

    public async Task SetNameserversAsync(string domain, IReadOnlyList<string> nameservers, CancellationToken cancellationToken)
    {
        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        await CommandAsync(
            "namecheap.domains.dns.setCustom",
            new()
            {
                ["SLD"] = domain[..dot],
                ["TLD"] = domain[(dot + 1)..],
                ["Nameservers"] = string.Join(',', nameservers),
            },
            idempotent: true,
            cancellationToken
        );
    }

    public async Task<RegistrarDomainInfo?> GetDomainInfoAsync(string domain, CancellationToken cancellationToken)
    {
        var response = await CommandAsync(
            "namecheap.domains.getInfo",
            new() { ["DomainName"] = domain },
            idempotent: true,
            cancellationToken,
            NamecheapResponse.NotOursErrors
        );
        var info = response.CommandResponse?.Element(_ns + "DomainGetInfoResult");
        if (!response.Ok || info is null)
        {
            return null;
        }

        var dns = info.Element(_ns + "DnsDetails");
        var details = info.Element(_ns + "DomainDetails");
        return new RegistrarDomainInfo(
            (string?)info.Attribute("DomainName") ?? domain,
            (string?)info.Attribute("ID") ?? "",
            (string?)info.Attribute("Status") ?? "",
            string.Equals((string?)dns?.Attribute("ProviderType"), "CUSTOM", StringComparison.OrdinalIgnoreCase),
            dns?.Elements(_ns + "Nameserver").Select(n => n.Value.Trim().ToLowerInvariant()).ToList() ?? [],
            ParseDate(details?.Element(_ns + "CreatedDate")?.Value),
            ParseDate(details?.Element(_ns + "ExpiredDate")?.Value)
        );
    }

    /// <summary>
    /// After a create whose answer was lost: re-reads the account until the domain is ours (Purchased), or the name is
    /// available again (null: the create did not take effect and may be repeated). Still unknown after the budget: a
    /// retryable <c>purchase_unconfirmed</c> failure, never "unavailable".
    /// </summary>
    private async Task<RegisterDomainResult?> ConfirmPurchaseAsync(string domain, CancellationToken cancellationToken)
    {
        for (var poll = 0; poll < confirmation.Polls; poll++)
        {
            if (poll > 0)
            {
                await Task.Delay(confirmation.Interval, confirmation.Time, cancellationToken);
            }

            if (await GetDomainInfoAsync(domain, cancellationToken) is { } owned)
            {
                return Confirmed(owned);
            }

            if ((await CheckAvailabilityAsync([domain], cancellationToken))[0].Available)
            {
                return null;
            }
        }

        logger.LogWarning(
            "registrar purchase of {Domain} still unconfirmed after {Polls} reads of the account",
            domain,
            confirmation.Polls
        );
        throw new ProviderException(
            Provider,
            "purchase_unconfirmed",
            $"The purchase of {domain} may have gone through but the account does not show it yet.",
            isRetryable: true
        );
    }

    private static RegisterDomainResult Confirmed(RegistrarDomainInfo owned) =>
        new(owned.Domain, RegistrationStatus.Purchased, DomainId: owned.DomainId);

    private async Task<RegisterDomainResult> CreateAsync(
        RegisterDomainRequest request,
        DomainAvailability quote,
        CancellationToken cancellationToken
    )
    {
        var form = new Dictionary<string, string>
        {
            ["DomainName"] = request.Domain,
            ["Years"] = request.Years.ToString(CultureInfo.InvariantCulture),
            ["Nameservers"] = string.Join(',', request.Nameservers),
            ["AddFreeWhoisguard"] = "yes",
            ["WGEnabled"] = "yes",
        };
        foreach (var prefix in new[] { "Registrant", "Tech", "Admin", "AuxBilling" })
        {
            var c = request.Contact;
            form[prefix + "FirstName"] = c.FirstName;
            form[prefix + "LastName"] = c.LastName;
            form[prefix + "Address1"] = c.Address1;
            form[prefix + "City"] = c.City;
            form[prefix + "StateProvince"] = c.StateProvince;
            form[prefix + "PostalCode"] = c.PostalCode;
            form[prefix + "Country"] = c.Country;
            form[prefix + "Phone"] = c.Phone;
            form[prefix + "EmailAddress"] = c.EmailAddress;
            if (c.OrganizationName is not null)
            {
                form[prefix + "OrganizationName"] = c.OrganizationName;
            }
        }

        if (quote.Premium)
        {
            form["IsPremiumDomain"] = "true";
            form["PremiumPrice"] = quote.FirstYearPrice!.Value.ToString(CultureInfo.InvariantCulture);
        }

        var response = await CommandAsync(
            "namecheap.domains.create",
            form,
            idempotent: false,
            cancellationToken,
            NamecheapResponse.UnavailableErrors
        );
        if (!response.Ok)
        {
            return new RegisterDomainResult(request.Domain, RegistrationStatus.Unavailable, Reason: "not_available");
        }

        var created =
            response.CommandResponse?.Element(_ns + "DomainCreateResult")
            ?? throw new ProviderException(Provider, "bad_response", "create answered OK without DomainCreateResult", isRetryable: false);
        return new RegisterDomainResult(
            request.Domain,
            RegistrationStatus.Purchased,
            (string?)created.Attribute("DomainID"),
            (string?)created.Attribute("OrderID"),
            NamecheapResponse.Money(created, "ChargedAmount")
        );
    }

    private async Task<(decimal? Register, decimal? Renew)> PricingAsync(string tld, CancellationToken cancellationToken)
    {
        var response = await CommandAsync(
            "namecheap.users.getPricing",
            new() { ["ProductType"] = "DOMAIN", ["ProductName"] = tld },
            idempotent: true,
            cancellationToken
        );
        decimal? Price(string category) =>
            response
                .CommandResponse?.Descendants(_ns + "ProductCategory")
                .Where(c => string.Equals((string?)c.Attribute("Name"), category, StringComparison.OrdinalIgnoreCase))
                .Descendants(_ns + "Price")
                .Where(p => (string?)p.Attribute("Duration") == "1")
                .Select(p => NamecheapResponse.Money(p, "YourPrice") ?? NamecheapResponse.Money(p, "Price"))
                .FirstOrDefault();
        return (Price("register"), Price("renew"));
    }

    /// <summary>Posts one command; an ERROR answer throws unless all its error numbers are in <paramref name="tolerated"/>.</summary>
    private async Task<NamecheapResponse> CommandAsync(
        string command,
        Dictionary<string, string> parameters,
        bool idempotent,
        CancellationToken cancellationToken,
        IReadOnlySet<string>? tolerated = null
    )
    {
        parameters["ApiUser"] = settings.ApiUser;
        parameters["ApiKey"] = settings.ApiKey;
        parameters["UserName"] = settings.UserName;
        parameters["ClientIp"] = settings.ClientIp;
        parameters["Command"] = command;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Endpoint) { Content = new FormUrlEncodedContent(parameters) };
        if (!idempotent)
        {
            request.MarkNotIdempotent();
        }

        using var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw HttpFailure(response);
        }

        NamecheapResponse parsed;
        try
        {
            parsed = NamecheapResponse.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception ex) when (ex is XmlException or FormatException)
        {
            throw new ProviderException(
                Provider,
                "bad_response",
                $"{command}: unreadable XML ({ex.Message})",
                isRetryable: false,
                innerException: ex
            );
        }

        if (!parsed.Ok && !(tolerated is not null && parsed.Errors.Count > 0 && parsed.Errors.All(e => tolerated.Contains(e.Number))))
        {
            throw parsed.ToException();
        }

        return parsed;
    }

    private static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "MM/dd/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
