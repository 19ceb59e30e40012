namespace Peeker.Sandbox;

/// <summary>Runs the provider simulators on their own (the host also mounts them under <c>/sandbox/...</c>).</summary>
public static class SandboxProgram
{
    /// <summary>
    /// Starts a web server serving only the simulators (set <c>AzureWebJobsStorage</c>, defaults to local Azurite, and
    /// <c>Providers:Sandbox:Secret</c>). Here <c>_inspect</c> takes the same secret as the simulators.
    /// </summary>
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration["AzureWebJobsStorage"] ??= "UseDevelopmentStorage=true";
        builder.Services.AddPeekerSandbox(builder.Configuration);
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "healthy" }));
        app.MapPeekerSandbox();
        app.MapPeekerSandboxInspector().AddEndpointFilter<SandboxGuard>();
        app.Run();
    }
}
