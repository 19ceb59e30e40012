namespace Peeker.Functions.Hosting;

/// <summary>
/// The secrets committed in <c>local.settings.sample.json</c>. They are public, so outside Development a host that is
/// configured with any of them refuses to start, naming the key (a test keeps this list equal to the sample).
/// </summary>
public static class DevelopmentSecrets
{
    /// <summary>Each secret setting and the development value the sample gives it.</summary>
    public static readonly IReadOnlyDictionary<string, string> SampleValues = new Dictionary<string, string>(
        StringComparer.OrdinalIgnoreCase
    )
    {
        ["Peeker:AdminKey"] = "adm_dev_only_7c1f0e9a4b2d4f6e8a3b5c7d9e1f2a4b",
        ["Peeker:ManagementKey"] = "mgt_dev_only_3d5f7a9c1e2b4d6f8a0c2e4b6d8f1a3c",
        ["Peeker:EncryptionKey"] = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=",
        ["Peeker:DemoApiKey"] = "pk_test_demo0000000000000000000000000000",
        ["Provisioning:InboxPasswordKeys:dev1"] = "ZGV2LW9ubHktaW5ib3gtcGFzc3dvcmQta2V5LTMyYnk=",
        ["Providers:Sandbox:Secret"] = "sbx_secret_dev_only_5e8b1d3f7a9c2e4b6d8f0a1c",
    };

    /// <summary>Sections holding a keyed set of secrets (any key id): each entry is checked like a secret setting.</summary>
    public static readonly IReadOnlyList<string> SecretSets = ["Provisioning:InboxPasswordKeys"];

    /// <summary>True when <paramref name="value"/> is one of the sample's secrets (whatever key it is set on).</summary>
    public static bool IsDevelopmentValue(string? value) =>
        !string.IsNullOrEmpty(value) && SampleValues.Values.Contains(value, StringComparer.Ordinal);

    /// <summary>
    /// Outside Development, throws (the host does not start) when any secret setting holds a development value;
    /// the message names the setting, never the value.
    /// </summary>
    public static void ThrowIfUsedOutsideDevelopment(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.IsDevelopment())
        {
            return;
        }

        var keys = SampleValues.Keys.Concat(SecretSets.SelectMany(set => configuration.GetSection(set).GetChildren().Select(c => c.Path)));
        foreach (var key in keys)
        {
            if (IsDevelopmentValue(configuration[key]))
            {
                throw new InvalidOperationException(
                    $"{key} is set to a development value from local.settings.sample.json, which is public; "
                        + $"the {environment.EnvironmentName} host refuses to start. Configure a secret of your own."
                );
            }
        }
    }
}
