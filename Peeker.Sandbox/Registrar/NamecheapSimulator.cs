using System.Globalization;
using System.Xml.Linq;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Registrar;

/// <summary>
/// A Namecheap-shaped registrar at <c>/xml.response</c> (GET query or POST form): global parameters, HTTP 200 with
/// <c>Status="ERROR"</c> on failures, <c>domains.check</c>, <c>users.getPricing</c>, <c>domains.create</c>,
/// <c>domains.getInfo</c>, <c>domains.dns.setCustom</c>. The sandbox account is <c>ApiUser</c> = partner id with
/// <c>ApiKey</c> = <c>sbx_{partnerId}</c>.
/// </summary>
internal static class NamecheapSimulator
{
    /// <summary>A ClientIp in TEST-NET-1 rehearses the "IP not whitelisted" error 1011150.</summary>
    public const string NotWhitelistedPrefix = "192.0.2.";

    public static void MapNamecheapSimulator(this RouteGroupBuilder group)
    {
        group.MapGet(
            "/xml.response",
            (HttpRequest request, SandboxStore store, TimeProvider time, CancellationToken ct) =>
                HandleAsync(
                    request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    store,
                    time,
                    ct
                )
        );
        group.MapPost(
            "/xml.response",
            async (HttpRequest request, SandboxStore store, TimeProvider time, CancellationToken ct) =>
            {
                var values = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                if (request.HasFormContentType)
                {
                    foreach (var field in await request.ReadFormAsync(ct))
                    {
                        values[field.Key] = field.Value.ToString();
                    }
                }

                return await HandleAsync(values, store, time, ct);
            }
        );
    }

    private static async Task<IResult> HandleAsync(
        Dictionary<string, string> p,
        SandboxStore store,
        TimeProvider time,
        CancellationToken ct
    )
    {
        var command = p.GetValueOrDefault("Command") ?? "";
        if (!p.TryGetValue("ApiUser", out var apiUser) || apiUser.Length == 0)
        {
            return Xml.Error(command, "1010101", "Parameter APIUser is missing");
        }

        if (!p.TryGetValue("ApiKey", out var apiKey) || apiKey.Length == 0)
        {
            return Xml.Error(command, "1010102", "Parameter APIKey is missing");
        }

        var partner = SandboxAuth.PartnerFromSecret(apiKey);
        if (partner is null || partner != apiUser)
        {
            return Xml.Error(command, "1011102", "API Key is invalid or API access has not been enabled");
        }

        if (!p.TryGetValue("ClientIp", out var clientIp) || clientIp.Length == 0)
        {
            return Xml.Error(command, "1010105", "Parameter ClientIP is missing");
        }

        if (clientIp.StartsWith(NotWhitelistedPrefix, StringComparison.Ordinal))
        {
            return Xml.Error(command, "1011150", $"Parameter RequestIP is invalid");
        }

        foreach (var domain in DomainsNamed(p))
        {
            if (await SandboxFaults.FireAsync(store, partner, SandboxFaults.Flaky, domain, 2, ct))
            {
                return Results.Text("Service Unavailable", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }

        var registrar = new NamecheapAccount(store, partner, time);
        return command.ToLowerInvariant() switch
        {
            "" => Xml.Error(command, "1010104", "Parameter Command is missing"),
            "namecheap.domains.check" => await registrar.CheckAsync(p, ct),
            "namecheap.users.getpricing" => NamecheapAccount.Pricing(p),
            "namecheap.domains.create" => await registrar.CreateAsync(p, ct),
            "namecheap.domains.getinfo" => await registrar.GetInfoAsync(p, ct),
            "namecheap.domains.dns.setcustom" => await registrar.SetCustomAsync(p, ct),
            _ => Xml.Error(command, "1011104", $"Invalid Command {command}"),
        };
    }

    private static IEnumerable<string> DomainsNamed(Dictionary<string, string> p)
    {
        if (p.TryGetValue("DomainList", out var list))
        {
            foreach (var d in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return d.ToLowerInvariant();
            }
        }

        if (p.TryGetValue("DomainName", out var name))
        {
            yield return name.ToLowerInvariant();
        }

        if (p.TryGetValue("SLD", out var sld) && p.TryGetValue("TLD", out var tld))
        {
            yield return (sld + "." + tld).ToLowerInvariant();
        }
    }
}

/// <summary>Namecheap's XML envelope, written from the API docs.</summary>
internal static class Xml
{
    public static readonly XNamespace Ns = "http://api.namecheap.com/xml.response";

    public static IResult Ok(string command, params object[] content) => Envelope("OK", command, [], content);

    public static IResult Error(string command, string number, string message) => Envelope("ERROR", command, [(number, message)], []);

    public static IResult Envelope(string status, string command, (string Number, string Message)[] errors, object[] content)
    {
        var doc = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                Ns + "ApiResponse",
                new XAttribute("Status", status),
                new XElement(Ns + "Errors", errors.Select(e => new XElement(Ns + "Error", new XAttribute("Number", e.Number), e.Message))),
                new XElement(Ns + "Warnings"),
                new XElement(Ns + "RequestedCommand", command.ToLowerInvariant()),
                new XElement(Ns + "CommandResponse", new XAttribute("Type", command.ToLowerInvariant()), content),
                new XElement(Ns + "Server", "PEEKER-SANDBOX"),
                new XElement(Ns + "GMTTimeDifference", "--0:00"),
                new XElement(Ns + "ExecutionTime", "0.001")
            )
        );
        return Results.Text(doc.Declaration + "\n" + doc.Root, "text/xml; charset=utf-8", statusCode: 200);
    }

    public static string Money(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
