using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Imports;
using Peeker.Activities.Users;

namespace Peeker.Functions.PartnerApi;

/// <summary><c>POST /domains/availability</c>, <c>GET /domains</c> and the forwarding jobs (<c>POST /domains/forwarding</c>, <c>GET /domains/forwarding/{id}</c>).</summary>
public static class DomainFunctions
{
    /// <summary>Most names per availability call.</summary>
    public const int MaxAvailabilityNames = 50;

    private static readonly string[] Categories = ["inventory", "connected"];
    private static readonly string[] Providers = ["google", "microsoft"];

    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group
            .MapPost("/domains/availability", CheckAsync)
            .WithMetadata(new AllowLimitedKeysAttribute())
            .Accepts<AvailabilityRequest>("application/json")
            .Produces<DataEnvelope<AvailabilityResponse>>()
            .WithSummary("Check domain availability");
        group.MapGet("/domains", ListAsync).Produces<ListEnvelope<DomainRecord>>().WithSummary("List domains");
        group
            .MapPost("/domains/forwarding", ForwardAsync)
            .Accepts<ForwardingRequest>("application/json")
            .Produces<DataEnvelope<ForwardingJob>>(StatusCodes.Status202Accepted)
            .WithSummary("Set domain forwarding");
        group
            .MapGet("/domains/forwarding/{id}", GetForwardingJobAsync)
            .Produces<DataEnvelope<ForwardingJob>>()
            .WithSummary("Retrieve a forwarding job");
        group
            .MapPost(
                "/domains/import",
                (HttpContext http, DomainImports imports) => ImportAsync(http, imports, DomainImports.MaxNames, wait: true)
            )
            .Accepts<ImportRequest>("application/json")
            .Produces<DataEnvelope<DomainImport>>()
            .WithSummary("Import customer-owned domains (answers with the nameservers)");
        group
            .MapPost(
                "/domains/import/jobs",
                (HttpContext http, DomainImports imports) => ImportAsync(http, imports, DomainImports.MaxJobNames, wait: false)
            )
            .Accepts<ImportRequest>("application/json")
            .Produces<DataEnvelope<DomainImport>>(StatusCodes.Status202Accepted)
            .WithSummary("Import up to 500 domains as a job");
        group
            .MapGet("/domains/import", LookupImportsAsync)
            .Produces<DataEnvelope<IReadOnlyList<ImportLookupRow>>>()
            .WithSummary("Look up imports by domain names");
        group.MapGet("/domains/import/{id}", GetImportAsync).Produces<DataEnvelope<DomainImport>>().WithSummary("Retrieve an import");
        group
            .MapGet("/domains/import/jobs/{id}", GetImportAsync)
            .Produces<DataEnvelope<DomainImport>>()
            .WithSummary("Retrieve an import job");
    }

    private static async Task<IResult> ImportAsync(HttpContext http, DomainImports imports, int max, bool wait)
    {
        var caller = PartnerContext.From(http);
        var body = await JsonBody.ReadAsync(http);
        var names = body.Strings("domains", 1, max, "a domain name", required: true)!;
        var import = await imports.CreateAsync(caller.Scope, names, wait, http.RequestAborted);
        return wait ? PartnerResults.Ok(import) : PartnerResults.Accepted(import);
    }

    private static async Task<IResult> GetImportAsync(HttpContext http, string id, DomainImportStore store)
    {
        var caller = PartnerContext.From(http);
        var import = await store.GetAsync(caller.Env, caller.Partner.Id, id, http.RequestAborted) ?? throw ApiException.NotFound("import");
        return PartnerResults.Ok(import);
    }

    private static async Task<IResult> LookupImportsAsync(HttpContext http, DomainImportStore store)
    {
        var caller = PartnerContext.From(http);
        var names = (
            Paging.Filter(http.Request, "domains")
            ?? throw ApiException.Invalid("domains", "domains is required: a comma-separated list of names.")
        )
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => DomainNames.Normalize(n) ?? n.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (names.Count is 0 or > MaxAvailabilityNames)
        {
            throw ApiException.Invalid("domains", $"domains takes 1 to {MaxAvailabilityNames} names.");
        }

        var rows = await store.LookupAsync(caller.Env, caller.Partner.Id, names, http.RequestAborted);
        return PartnerResults.Ok<IReadOnlyList<ImportLookupRow>>([
            .. rows.Select(r => new ImportLookupRow(r.Row.Domain, r.ImportId, r.Row.Status, r.Row.Reason, r.Row.Nameservers)),
        ]);
    }

    private static async Task<IResult> ForwardAsync(HttpContext http, ForwardingJobs jobs)
    {
        var caller = PartnerContext.From(http);
        var body = await JsonBody.ReadAsync(http);
        var refs = body.Strings("domains", 1, ForwardingJobs.MaxDomains, "a domain id or name", required: true)!;
        var url = body.String("forwarding_url", required: true, maxLength: 2048)!;
        var job = await jobs.CreateAsync(caller.Scope, refs, url, http.RequestAborted);
        return PartnerResults.Accepted(job);
    }

    private static async Task<IResult> GetForwardingJobAsync(HttpContext http, string id, ForwardingJobStore store)
    {
        var caller = PartnerContext.From(http);
        var job =
            await store.GetAsync(caller.Env, caller.Partner.Id, id, http.RequestAborted) ?? throw ApiException.NotFound("forwarding job");
        return PartnerResults.Ok(job);
    }

    private static async Task<IResult> CheckAsync(HttpContext http, DomainAvailabilityService availability, PartnerRateLimits limits)
    {
        var caller = PartnerContext.From(http);
        var body = await JsonBody.ReadAsync(http);
        var names = body.Strings("domains", 1, MaxAvailabilityNames, "a string", required: true, allowBlank: true)!;
        await limits.AcquireAvailabilityAsync(
            caller,
            names.Select(DomainNames.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).Count(),
            http.RequestAborted
        );
        var rows = await availability.CheckAsync(caller.Scope, names, http.RequestAborted);
        return PartnerResults.Ok(new AvailabilityResponse(rows));
    }

    private static async Task<IResult> ListAsync(HttpContext http, DomainStore store, UserStore users)
    {
        var caller = PartnerContext.From(http);
        var page = Paging.Read(http.Request);
        var userId = Paging.Filter(http.Request, "user_id");
        if (Paging.Filter(http.Request, "user_email") is { } email)
        {
            userId = (await users.GetByEmailAsync(caller.Env, caller.Partner.Id, email, http.RequestAborted))?.Id;
            if (userId is null)
            {
                return Paging.Result(http.Request, new ResultPage<DomainRecord>([], null), page, d => d); // No such user: no domain is theirs.
            }
        }

        var filter = new DomainFilter(
            Paging.Filter(http.Request, "category", Categories),
            userId,
            Paging.Filter(http.Request, "usable_for", Providers),
            Paging.Filter(http.Request, "status", DomainStatus.All)
        );
        var result = await store.ListAsync(caller.Env, caller.Partner.Id, filter, page, http.RequestAborted);
        return Paging.Result(http.Request, result, page, d => d);
    }
}

/// <summary><c>{"domains": [...]}</c>: up to 50 names.</summary>
public sealed record AvailabilityRequest(IReadOnlyList<string> Domains);

/// <summary><c>{"domains": [...]}</c>: root domains the customer owns.</summary>
public sealed record ImportRequest(IReadOnlyList<string> Domains);

/// <summary>One name's newest import.</summary>
public sealed record ImportLookupRow(
    string Domain,
    string ImportId,
    string Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        string? Reason,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        IReadOnlyList<string>? Nameservers
);

/// <summary><c>{"domains": [...], "forwarding_url": "https://…"}</c>: up to 25 domain ids or names.</summary>
public sealed record ForwardingRequest(IReadOnlyList<string> Domains, string ForwardingUrl);

/// <summary>One row per submitted name, in input order.</summary>
public sealed record AvailabilityResponse(IReadOnlyList<AvailabilityRow> Domains);
