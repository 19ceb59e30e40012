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
        const int BadRequest = StatusCodes.Status400BadRequest;
        const int NotFound = StatusCodes.Status404NotFound;
        const int Conflict = StatusCodes.Status409Conflict;
        group
            .MapPost("/domains/availability", CheckAsync)
            .WithMetadata(new AllowLimitedKeysAttribute())
            .Accepts<AvailabilityRequest>("application/json")
            .ProducesErrors(BadRequest)
            .WithSummary("Check domain availability");
        group.MapGet("/domains", ListAsync).ProducesErrors(BadRequest).WithSummary("List domains");
        group
            .MapPost("/domains/forwarding", ForwardAsync)
            .Accepts<ForwardingRequest>("application/json")
            .ProducesErrors(BadRequest)
            .WithSummary("Set domain forwarding");
        group.MapGet("/domains/forwarding/{id}", GetForwardingJobAsync).ProducesErrors(NotFound).WithSummary("Retrieve a forwarding job");
        group
            .MapPost("/domains/import", ImportAsync)
            .Accepts<ImportRequest>("application/json")
            .ProducesErrors(BadRequest, Conflict)
            .WithSummary("Import customer-owned domains (answers with the nameservers)");
        group
            .MapPost("/domains/import/jobs", ImportJobAsync)
            .Accepts<ImportRequest>("application/json")
            .ProducesErrors(BadRequest, Conflict)
            .WithSummary("Import up to 500 domains as a job");
        group.MapGet("/domains/import", LookupImportsAsync).ProducesErrors(BadRequest).WithSummary("Look up imports by domain names");
        group.MapGet("/domains/import/{id}", GetImportAsync).ProducesErrors(NotFound).WithSummary("Retrieve an import");
        group.MapGet("/domains/import/jobs/{id}", GetImportAsync).ProducesErrors(NotFound).WithSummary("Retrieve an import job");
    }

    private static async Task<PartnerOk<DomainImport>> ImportAsync(
        PartnerContext caller,
        HttpRequest request,
        DomainImports imports,
        CancellationToken cancellationToken
    ) => PartnerResults.Ok(await CreateImportAsync(caller, request, imports, DomainImports.MaxNames, wait: true, cancellationToken));

    private static async Task<PartnerAccepted<DomainImport>> ImportJobAsync(
        PartnerContext caller,
        HttpRequest request,
        DomainImports imports,
        CancellationToken cancellationToken
    ) =>
        PartnerResults.Accepted(
            await CreateImportAsync(caller, request, imports, DomainImports.MaxJobNames, wait: false, cancellationToken)
        );

    private static async Task<DomainImport> CreateImportAsync(
        PartnerContext caller,
        HttpRequest request,
        DomainImports imports,
        int max,
        bool wait,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var names = body.Strings("domains", 1, max, "a domain name", required: true)!;
        return await imports.CreateAsync(caller.Scope, names, wait, cancellationToken);
    }

    private static async Task<PartnerOk<DomainImport>> GetImportAsync(
        PartnerContext caller,
        string id,
        DomainImportStore store,
        CancellationToken cancellationToken
    )
    {
        var import = await store.GetAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("import");
        return PartnerResults.Ok(import);
    }

    private static async Task<PartnerOk<IReadOnlyList<ImportLookupRow>>> LookupImportsAsync(
        PartnerContext caller,
        HttpRequest request,
        DomainImportStore store,
        CancellationToken cancellationToken
    )
    {
        var names = (
            Paging.Filter(request, "domains")
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

        var rows = await store.LookupAsync(caller.Env, caller.Partner.Id, names, cancellationToken);
        return PartnerResults.Ok<IReadOnlyList<ImportLookupRow>>([
            .. rows.Select(r => new ImportLookupRow(r.Row.Domain, r.ImportId, r.Row.Status, r.Row.Reason, r.Row.Nameservers)),
        ]);
    }

    private static async Task<PartnerAccepted<ForwardingJob>> ForwardAsync(
        PartnerContext caller,
        HttpRequest request,
        ForwardingJobs jobs,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var refs = body.Strings("domains", 1, ForwardingJobs.MaxDomains, "a domain id or name", required: true)!;
        var url = body.String("forwarding_url", required: true, maxLength: 2048)!;
        var job = await jobs.CreateAsync(caller.Scope, refs, url, cancellationToken);
        return PartnerResults.Accepted(job);
    }

    private static async Task<PartnerOk<ForwardingJob>> GetForwardingJobAsync(
        PartnerContext caller,
        string id,
        ForwardingJobStore store,
        CancellationToken cancellationToken
    )
    {
        var job =
            await store.GetAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("forwarding job");
        return PartnerResults.Ok(job);
    }

    private static async Task<PartnerOk<AvailabilityResponse>> CheckAsync(
        PartnerContext caller,
        HttpRequest request,
        DomainAvailabilityService availability,
        PartnerRateLimits limits,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var names = body.Strings("domains", 1, MaxAvailabilityNames, "a string", required: true, allowBlank: true)!;
        await limits.AcquireAvailabilityAsync(
            caller,
            names.Select(DomainNames.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).Count(),
            cancellationToken
        );
        var rows = await availability.CheckAsync(caller.Scope, names, cancellationToken);
        return PartnerResults.Ok(new AvailabilityResponse(rows));
    }

    private static async Task<PartnerPage<DomainRecord>> ListAsync(
        PartnerContext caller,
        HttpRequest request,
        DomainStore store,
        UserStore users,
        CancellationToken cancellationToken
    )
    {
        var user = (Paging.Filter(request, "user_id"), Paging.Filter(request, "user_email"));
        var filter = new DomainFilter(
            Paging.Filter(request, "category", Categories),
            null,
            Paging.Filter(request, "usable_for", Providers),
            Paging.Filter(request, "status", DomainStatus.All)
        );
        return await UserFunctions.UserPageAsync(
            caller,
            request,
            users,
            user,
            (userId, page) => store.ListAsync(caller.Env, caller.Partner.Id, filter with { UserId = userId }, page, cancellationToken),
            d => d,
            cancellationToken
        );
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
