using Peeker.Activities.Orders;

namespace Peeker.Activities.Swaps;

/// <summary>
/// The catalogue of swap reasons (<c>reason</c> of a failed or waiting swap): the order failure codes for the
/// provisioning steps the swap shares with orders (<see cref="OrderFailureCodes"/>), plus the swap's own.
/// </summary>
public static class SwapReasons
{
    /// <summary>The imported replacement is not active yet (nameservers not switched): <c>action_required</c>, or the failure once the wait ran out.</summary>
    public const string ReplacementNotImported = "replacement_not_imported";

    /// <summary>The replacement's import failed (or was abandoned): import it again and send a new swap.</summary>
    public const string ReplacementImportFailed = "replacement_import_failed";

    /// <summary>The old domain's inboxes or zone could not be removed.</summary>
    public const string DetachFailed = "detach_failed";

    private static readonly Dictionary<string, string> Own = new(StringComparer.Ordinal)
    {
        [ReplacementNotImported] = "The replacement domain is not imported yet: switch its nameservers to the ones its import returned.",
        [ReplacementImportFailed] = "The replacement domain's import failed; import it again and send a new swap.",
        [DetachFailed] = "The old domain could not be detached; Peeker support has the details (quote the swap id).",
    };

    /// <summary>A reason of the swap's own catalogue.</summary>
    public static SwapReason Of(string code, string step) => new(code, Own[code], step);

    /// <summary>The reason of a failed provisioning step of the replacement (the order catalogue, never provider text).</summary>
    public static SwapReason OfStep(string? step, string? detail, string replacement)
    {
        var failure = OrderFailureCodes.Of(step, detail is null ? null : $"{replacement}: {detail}", [replacement]);
        return new SwapReason(failure.Code, failure.Message, step);
    }
}
