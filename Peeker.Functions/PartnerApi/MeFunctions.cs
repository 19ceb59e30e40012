namespace Peeker.Functions.PartnerApi;

/// <summary>The key and partner behind a request.</summary>
public sealed record MeResponse(MeKey ApiKey, MePartner Partner);

/// <summary>The calling key: <c>environment</c> is <c>test</c> or <c>live</c>.</summary>
public sealed record MeKey(string Id, string Environment, string PermissionPreset, string Label);

/// <summary>The calling partner organisation.</summary>
public sealed record MePartner(string Id, string Name);

/// <summary><c>GET /me</c>: the first call and health check of an integration.</summary>
public static class MeFunctions
{
    /// <summary>Maps the endpoint.</summary>
    public static void Map(RouteGroupBuilder group) =>
        group
            .MapGet(
                "/me",
                (PartnerContext caller) =>
                    PartnerResults.Ok(
                        new MeResponse(
                            new MeKey(
                                caller.Key.Id,
                                caller.Key.Environment.ToString().ToLowerInvariant(),
                                caller.Key.Preset.ToString().ToLowerInvariant(),
                                caller.Key.Label
                            ),
                            new MePartner(caller.Partner.Id, caller.Partner.Name)
                        )
                    )
            )
            .WithSummary("The calling key and partner");
}
