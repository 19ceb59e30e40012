using Peeker.Functions.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddFunctionsConfiguration(builder.Environment.ContentRootPath, builder.Environment.IsDevelopment());
builder.AddPeekerHost();

var app = builder.Build();
app.MapPeekerHost();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
