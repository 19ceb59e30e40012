using Microsoft.AspNetCore.Http.HttpResults;
using Peeker.Activities.Bundles;
using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary>Bundles: <c>POST/GET /bundles</c>, <c>GET/PATCH/DELETE /bundles/{id}</c>.</summary>
public static class BundleFunctions
{
    private static readonly string[] Statuses = ["active", "archived"];

    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group
            .MapPost("/bundles", CreateAsync)
            .Accepts<BundleRequest>("application/json")
            .ProducesErrors(StatusCodes.Status400BadRequest)
            .WithSummary("Create a bundle");
        group.MapGet("/bundles", ListAsync).ProducesErrors(StatusCodes.Status400BadRequest).WithSummary("List bundles");
        group.MapGet("/bundles/{id}", GetAsync).ProducesErrors(StatusCodes.Status404NotFound).WithSummary("Retrieve a bundle");
        group
            .MapPatch("/bundles/{id}", UpdateAsync)
            .Accepts<BundleRequest>("application/json")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Update a bundle");
        group
            .MapDelete("/bundles/{id}", DeleteAsync)
            .ProducesErrors(StatusCodes.Status404NotFound)
            .WithSummary("Delete (never used) or archive a bundle")
            .WithDescription(
                "A bundle no order used is deleted: {\"data\": {\"id\", \"status\": \"deleted\"}}. Otherwise it is archived and returned."
            );
    }

    private static async Task<PartnerCreated<Bundle>> CreateAsync(
        PartnerContext caller,
        HttpRequest request,
        BundleStore store,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var spec = new BundleSpec(
            body.String("name", required: true, maxLength: 200)!,
            body.Long("monthly_sending_volume", 1, 100_000_000, required: true)!.Value,
            null,
            null,
            body.Bool("send_on_weekends") ?? false,
            InboxesPerDomain(body) ?? 2
        );
        var (google, microsoft) = Split(body);
        spec = spec with { GooglePercent = google, MicrosoftPercent = microsoft };
        return PartnerResults.Created(await store.CreateAsync(caller.Env, caller.Partner.Id, spec, cancellationToken));
    }

    private static async Task<PartnerPage<Bundle>> ListAsync(
        PartnerContext caller,
        HttpRequest request,
        BundleStore store,
        CancellationToken cancellationToken
    )
    {
        var page = Paging.Read(request);
        var status = Paging.Filter(request, "status", Statuses);
        var result = await store.ListAsync(caller.Env, caller.Partner.Id, status, page, cancellationToken);
        return Paging.Result(request, result, page, b => b);
    }

    private static async Task<PartnerOk<Bundle>> GetAsync(
        PartnerContext caller,
        string id,
        BundleStore store,
        CancellationToken cancellationToken
    )
    {
        return PartnerResults.Ok(
            await store.GetAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("bundle")
        );
    }

    private static async Task<PartnerOk<Bundle>> UpdateAsync(
        PartnerContext caller,
        HttpRequest request,
        string id,
        BundleStore store,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var name = body.String("name", maxLength: 200);
        if (body.Has("name") && string.IsNullOrWhiteSpace(name))
        {
            throw ApiException.Invalid("name", "name must be a non-empty string.");
        }

        var volume = body.Long("monthly_sending_volume", 1, 100_000_000);
        var weekends = body.Bool("send_on_weekends");
        var inboxes = InboxesPerDomain(body);
        var splitGiven = body.Has("google_percent") || body.Has("microsoft_percent");
        var (google, microsoft) = Split(body);
        var bundle = await store.UpdateAsync(
            caller.Env,
            caller.Partner.Id,
            id,
            spec => new BundleSpec(
                name ?? spec.Name,
                volume ?? spec.MonthlySendingVolume,
                splitGiven ? google : spec.GooglePercent,
                splitGiven ? microsoft : spec.MicrosoftPercent,
                weekends ?? spec.SendOnWeekends,
                inboxes ?? spec.GoogleInboxesPerDomain
            ),
            cancellationToken
        );
        return PartnerResults.Ok(bundle ?? throw ApiException.NotFound("bundle"));
    }

    private static async Task<Results<PartnerOk<DeletedResource>, PartnerOk<Bundle>>> DeleteAsync(
        PartnerContext caller,
        string id,
        BundleStore store,
        CancellationToken cancellationToken
    )
    {
        var bundle = await store.DeleteAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("bundle");
        if (bundle.Status == "deleted")
        {
            return PartnerResults.Ok(new DeletedResource(bundle.Id, "deleted"));
        }

        return PartnerResults.Ok(bundle);
    }

    private static int? InboxesPerDomain(JsonBody body)
    {
        var value = body.Int("google_inboxes_per_domain", int.MinValue, int.MaxValue);
        return value is null or 2 or 3
            ? value
            : throw ApiException.Invalid("google_inboxes_per_domain", "google_inboxes_per_domain must be 2 or 3.");
    }

    private static (int? Google, int? Microsoft) Split(JsonBody body)
    {
        var google = body.Int("google_percent", 0, 100);
        var microsoft = body.Int("microsoft_percent", 0, 100);
        if (google is null != microsoft is null)
        {
            var missing = google is null ? "google_percent" : "microsoft_percent";
            throw ApiException.Invalid(
                missing,
                "google_percent and microsoft_percent must be set together (or both null for the recommended split)."
            );
        }

        return google + microsoft is null or 100
            ? (google, microsoft)
            : throw ApiException.Invalid("google_percent", "google_percent and microsoft_percent must sum to 100.");
    }
}

/// <summary>The documented request fields of a bundle (create: name and volume required; update: all optional).</summary>
public sealed record BundleRequest(
    string? Name,
    long? MonthlySendingVolume,
    int? GooglePercent,
    int? MicrosoftPercent,
    bool? SendOnWeekends,
    int? GoogleInboxesPerDomain
);

/// <summary><c>{"id": …, "status": "deleted"}</c>.</summary>
public sealed record DeletedResource(string Id, string Status);
