using System.Security.Cryptography;
using System.Text.Json;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// Turns a <c>POST /orders</c> body (NEW shape, and the OLD <c>user</c> object / <c>user_id</c> / <c>users</c> forms)
/// into a <see cref="PlaceOrderRequest"/>, or a 400 naming the field.
/// </summary>
public static class OrderBody
{
    private static readonly string[] Sequencers = ["smartlead"];

    /// <summary>Parses and checks the shape of the body.</summary>
    public static PlaceOrderRequest Parse(JsonBody body, string apiKeyId)
    {
        var custom = body.HasValue("google_licenses") || body.HasValue("microsoft_licenses") || body.HasValue("google_inboxes_per_domain");
        if (body.HasValue("bundle_id") && custom)
        {
            throw new ApiException(
                400,
                ErrorCodes.OrderShapeConflict,
                "Send either bundle_id (bundle order) or google_licenses/microsoft_licenses/google_inboxes_per_domain (custom order), not both.",
                "bundle_id"
            );
        }

        var bundleId = body.String("bundle_id", maxLength: 100);
        int? google = null,
            microsoft = null;
        var inboxes = 2;
        if (bundleId is null)
        {
            if (!custom)
            {
                throw ApiException.Invalid("bundle_id", "Send bundle_id, or google_licenses and/or microsoft_licenses for a custom order.");
            }

            google = body.Int("google_licenses", 0, 10_000) ?? 0;
            microsoft = body.Int("microsoft_licenses", 0, 10_000) ?? 0;
            inboxes = body.Int("google_inboxes_per_domain", int.MinValue, int.MaxValue) ?? 2;
            if (inboxes is not (2 or 3))
            {
                throw ApiException.Invalid("google_inboxes_per_domain", "google_inboxes_per_domain must be 2 or 3.");
            }

            if (google + microsoft == 0)
            {
                throw ApiException.Invalid("google_licenses", "A custom order needs at least one license.");
            }
        }

        var (userId, email, first, last) = User(body);
        return new PlaceOrderRequest(
            apiKeyId,
            Hash(body.Root),
            userId,
            email,
            first,
            last,
            bundleId,
            google,
            microsoft,
            inboxes,
            Sequencer(body),
            Url(body, "forwarding_url"),
            Domains(body),
            Personas(body)!
        );
    }

    private static (string? Id, string? Email, string? First, string? Last) User(JsonBody body)
    {
        if (body.HasValue("user") && body.HasValue("user_id"))
        {
            throw new ApiException(400, ErrorCodes.OrderShapeConflict, "Send user or user_id, not both.", "user_id");
        }

        if (body.String("user_id", maxLength: 100) is { } id)
        {
            return (id, null, null, null);
        }

        if (!body.HasValue("user"))
        {
            throw ApiException.Invalid("user", "user is required: a usr_ id or the customer's email.");
        }

        if (body.Root.GetProperty("user").ValueKind == JsonValueKind.Object)
        {
            var user = body.Object("user")!;
            return (
                null,
                UserFunctions.Email(user, "email", true),
                user.String("first_name", maxLength: 100),
                user.String("last_name", maxLength: 100)
            );
        }

        var value = body.String("user", required: true, maxLength: 254)!.Trim();
        return value.StartsWith("usr_", StringComparison.Ordinal)
            ? (value, null, null, null)
            : (null, UserFunctions.Email(body, "user", true), null, null);
    }

    private static SequencerCredentials Sequencer(JsonBody body)
    {
        var s = body.Object("sequencer", required: true)!;
        return new SequencerCredentials(
            s.Enum("provider", Sequencers, required: true)!,
            s.Long("client_id", 1, long.MaxValue),
            UserFunctions.Email(s, "login_email", true)!,
            s.String("login_password", required: true, maxLength: 500)!
        );
    }

    private static List<RequestedDomain> Domains(JsonBody body) =>
        body.Array("domains", 1, 500, required: true)!
            .Select(item =>
                item.Item.ValueKind switch
                {
                    JsonValueKind.String => new RequestedDomain(item.Item.GetString()!, Url(body, "forwarding_url")),
                    JsonValueKind.Object => FromObject(JsonBody.ItemObject(item.Item, item.Path), body),
                    _ => throw ApiException.Invalid(
                        item.Path,
                        $"{item.Path} must be a domain name or an object with domain and forwarding_url."
                    ),
                }
            )
            .ToList();

    private static RequestedDomain FromObject(JsonBody item, JsonBody order) =>
        new(item.String("domain", required: true, maxLength: 300)!, Url(item, "forwarding_url") ?? Url(order, "forwarding_url"));

    /// <summary>
    /// The <c>personas</c> (or older <c>users</c>) list: 1-10 of <c>{first_name, last_name, profile_picture_url}</c>.
    /// Without <paramref name="required"/> an absent list is null (swaps: the old domain's personas).
    /// </summary>
    public static List<Persona>? Personas(JsonBody body, bool required = true)
    {
        if (!required && !body.HasValue("personas") && !body.HasValue("users"))
        {
            return null;
        }

        if (body.HasValue("personas") && body.HasValue("users"))
        {
            throw new ApiException(400, ErrorCodes.OrderShapeConflict, "Send personas or the older users list, not both.", "users");
        }

        var modern = body.HasValue("personas");
        var items =
            body.Array(modern ? "personas" : "users", 1, 10, required: modern || !body.HasValue("users"))
            ?? throw ApiException.Invalid("personas", "personas is required.");
        return items
            .Select(item =>
            {
                var p = JsonBody.ItemObject(item.Item, item.Path);
                if (modern && !p.Has("profile_picture_url"))
                {
                    throw ApiException.Invalid(
                        p.Path("profile_picture_url"),
                        "profile_picture_url must be present: a public URL, null or \"\"."
                    );
                }

                var picture = p.String("profile_picture_url", maxLength: 2000);
                if (!string.IsNullOrEmpty(picture))
                {
                    Url(p, "profile_picture_url");
                }

                return new Persona(
                    p.String("first_name", required: true, maxLength: 100)!,
                    p.String("last_name", required: true, maxLength: 100)!,
                    picture
                );
            })
            .ToList();
    }

    /// <summary>An optional absolute http(s) URL.</summary>
    public static string? Url(JsonBody body, string field)
    {
        var raw = body.String(field, maxLength: 2000);
        if (raw is null)
        {
            return null;
        }

        return
            Uri.TryCreate(raw, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.Host.Length > 0
            ? raw
            : throw ApiException.Invalid(body.Path(field), $"{body.Path(field)} must be an http:// or https:// URL.");
    }

    /// <summary>SHA-256 of the body with insignificant whitespace removed (same JSON, same hash).</summary>
    public static string Hash(JsonElement root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }
}
