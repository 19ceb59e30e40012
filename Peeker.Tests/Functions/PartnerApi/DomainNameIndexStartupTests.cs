using Peeker.Activities.Common;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>The host indexes older domain rows by name at start, and marks each environment indexed.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class DomainNameIndexStartupTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task HostStart_MarksEveryEnvironmentIndexed()
    {
        var tables = fixture.Service<PeekerTables>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        var marked = new List<PeekerEnvironment>();

        foreach (var env in Enum.GetValues<PeekerEnvironment>())
        {
            // The startup indexes after the tables are ready, in the background: wait for its marker row.
            while (DateTimeOffset.UtcNow < deadline)
            {
                if (await tables.For(env, "DomainNames").FindAsync("_index", "names-v1", default) is not null)
                {
                    marked.Add(env);
                    break;
                }

                await Task.Delay(50);
            }
        }

        Assert.Equal(Enum.GetValues<PeekerEnvironment>(), marked);
    }
}
