namespace Peeker.Activities.Common;

/// <summary>Which data set and provider configuration a call uses: follows the partner's API key.</summary>
public enum PeekerEnvironment
{
    /// <summary><c>pk_test_</c> keys: simulators in Peeker.Sandbox, sandbox tables and task hub.</summary>
    Test,

    /// <summary><c>pk_live_</c> keys: the real providers.</summary>
    Live,
}
