using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Tests.Activities;

/// <summary>The Partner API's tables for activity tests.</summary>
public static class TestTables
{
    /// <summary>The tables on <paramref name="connectionString"/>, created if missing.</summary>
    public static async Task<PeekerTables> CreateAsync(string connectionString)
    {
        var tables = new PeekerTables(new TableServiceClient(connectionString));
        await tables.CreateAllAsync(default);
        return tables;
    }
}
