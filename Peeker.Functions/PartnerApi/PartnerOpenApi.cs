using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Peeker.Functions.PartnerApi;

/// <summary>The OpenAPI document of the partner API: only <c>/partner/v1</c> routes, snake_case schemas, bearer auth.</summary>
public static class PartnerOpenApi
{
    /// <summary>Document options.</summary>
    public static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = d =>
            d.RelativePath?.StartsWith(PartnerApiComposition.BasePath.TrimStart('/'), StringComparison.Ordinal) == true;
        options.AddDocumentTransformer(
            (document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Peeker Partner API",
                    Version = "1.0.0",
                    Description =
                        "Authenticate with Authorization: Bearer pk_live_… or pk_test_…. Errors: {\"error\":{\"code\",\"message\",\"field\",\"details\"}}.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A pk_live_ or pk_test_ API key.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            }
        );
        options.AddSchemaTransformer(
            (schema, _, _) =>
            {
                // Handlers write snake_case (PeekerJson); the generator names properties from the host's defaults.
                if (schema.Properties is { Count: > 0 } properties)
                {
                    var renamed = properties.ToDictionary(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Key), p => p.Value);
                    properties.Clear();
                    foreach (var (name, value) in renamed)
                    {
                        properties[name] = value;
                    }

                    if (schema.Required is { Count: > 0 } required)
                    {
                        var names = required.Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToList();
                        required.Clear();
                        foreach (var name in names)
                        {
                            required.Add(name);
                        }
                    }
                }

                return Task.CompletedTask;
            }
        );
    }
}
