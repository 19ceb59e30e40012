using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// Typed results of the partner (and admin) handlers: each writes its body with <see cref="PeekerJson.Options"/>
/// (snake_case) and tells OpenAPI its status and schema, as <c>TypedResults.Ok</c> does with the host's defaults.
/// Errors are not results: handlers throw <see cref="ApiException"/> and <see cref="ErrorHandling"/> writes the envelope.
/// </summary>
public static class PartnerResults
{
    /// <summary>200 <c>{"data": value}</c>.</summary>
    public static PartnerOk<T> Ok<T>(T value) => new(new DataEnvelope<T>(value));

    /// <summary>201 <c>{"data": value}</c>.</summary>
    public static PartnerCreated<T> Created<T>(T value) => new(new DataEnvelope<T>(value));

    /// <summary>202 with <c>{"data": value}</c>: an accepted job.</summary>
    public static PartnerAccepted<T> Accepted<T>(T value) => new(new DataEnvelope<T>(value));
}

/// <summary>A JSON body written with the partner options and a fixed status.</summary>
public abstract class PartnerJsonResult<TBody>(TBody value, int statusCode)
    : IResult,
        IStatusCodeHttpResult,
        IValueHttpResult,
        IValueHttpResult<TBody>
{
    /// <summary>The body.</summary>
    public TBody Value => value;

    /// <summary>The status code.</summary>
    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    object? IValueHttpResult.Value => value;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) =>
        TypedResults.Json(value, PeekerJson.Options, statusCode: statusCode).ExecuteAsync(httpContext);

    /// <summary>Documents <paramref name="status"/> with the <typeparamref name="TBody"/> schema.</summary>
    protected static void Describe(EndpointBuilder builder, int status)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(TBody), ["application/json"]));
    }
}

/// <summary>200 <c>{"data": …}</c>.</summary>
public sealed class PartnerOk<T>(DataEnvelope<T> value)
    : PartnerJsonResult<DataEnvelope<T>>(value, StatusCodes.Status200OK),
        IEndpointMetadataProvider
{
    /// <inheritdoc />
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Describe(builder, StatusCodes.Status200OK);
}

/// <summary>201 <c>{"data": …}</c>.</summary>
public sealed class PartnerCreated<T>(DataEnvelope<T> value)
    : PartnerJsonResult<DataEnvelope<T>>(value, StatusCodes.Status201Created),
        IEndpointMetadataProvider
{
    /// <inheritdoc />
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Describe(builder, StatusCodes.Status201Created);
}

/// <summary>202 <c>{"data": …}</c>: an accepted job.</summary>
public sealed class PartnerAccepted<T>(DataEnvelope<T> value)
    : PartnerJsonResult<DataEnvelope<T>>(value, StatusCodes.Status202Accepted),
        IEndpointMetadataProvider
{
    /// <inheritdoc />
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Describe(builder, StatusCodes.Status202Accepted);
}

/// <summary>200 list page <c>{"data": […], "links": …, "meta": …}</c> (see <see cref="Paging"/>).</summary>
public sealed class PartnerPage<T>(ListEnvelope<T> value)
    : PartnerJsonResult<ListEnvelope<T>>(value, StatusCodes.Status200OK),
        IEndpointMetadataProvider
{
    /// <inheritdoc />
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Describe(builder, StatusCodes.Status200OK);
}

/// <summary>The error answers a route documents: each with the <see cref="ErrorEnvelope"/> schema.</summary>
public static class PartnerErrors
{
    /// <summary>Documents <paramref name="statuses"/> as error-envelope answers of the route or group.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return builder.WithMetadata([.. statuses.Select(Metadata)]);
    }

    /// <summary>The OpenAPI metadata of an error answer with status <paramref name="status"/>.</summary>
    public static object Metadata(int status) => new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), ["application/json"]);
}
