using Microsoft.DurableTask;
using Moq;
using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Swaps;
using Peeker.Functions.Orchestrations;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>The orchestrator's decisions on a mocked context: per-row outcomes, order of events, retry policies, claim release.</summary>
public sealed class UserNameSwapOrchestratorTests
{
    private static readonly UserNameSwapInput Input = new(
        "swp_a",
        PeekerEnvironment.Test,
        "org_test",
        ["swp_a", "swp_b", "swp_c", "swp_d"]
    );

    [Fact]
    public async Task RowsEndIndependently_CompletedFailedActionRequired_AndTheClaimIsReleased()
    {
        var context = new Mock<TaskOrchestrationContext>(MockBehavior.Strict);
        var events = new List<string>();
        var sequencer = new List<string>();
        var renameOptions = new List<TaskOptions?>();
        context
            .Setup(c =>
                c.CallActivityAsync<LoadUserNameSwapResult>(nameof(LoadUserNameSwap), It.IsAny<object?>(), It.IsAny<TaskOptions?>())
            )
            .ReturnsAsync(
                new LoadUserNameSwapResult(
                    "ord_1",
                    "dom_1",
                    "acme.com",
                    MailProvider.Google,
                    null,
                    [
                        new("swp_a", "a@acme.com", "sam", "Sam", "Lee", null),
                        new("swp_b", "b@acme.com", "sam.lee", "Sam", "Lee", null),
                        new("swp_c", "c@acme.com", "samlee", "Sam", "Lee", "https://cdn.example/private.png"),
                        new("swp_d", "d@acme.com", "slee", "Sam", "Lee", null),
                    ]
                )
            );
        context
            .Setup(c => c.CallActivityAsync<RenameInboxResult>(nameof(RenameInbox), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(
                (TaskName _, object? input, TaskOptions? options) =>
                {
                    renameOptions.Add(options);
                    var rename = ((RenameInboxInput)input!).Rename;
                    return rename.SwapId == "swp_b"
                        ? Task.FromException<RenameInboxResult>(
                            new TaskFailedException(
                                nameof(RenameInbox),
                                3,
                                new TaskFailureDetails("ProviderException", "duplicate", null, null, null)
                            )
                        )
                        : Task.FromResult(
                            new RenameInboxResult(
                                rename.CurrentEmail,
                                rename.NewLocalPart + "@acme.com",
                                "Sam Lee",
                                false,
                                rename.ProfilePictureUrl is null ? null : CreateInbox.PictureNotAccessible
                            )
                        );
                }
            );
        context
            .Setup(c =>
                c.CallActivityAsync<UpdateSequencerInboxResult>(nameof(UpdateSequencerInbox), It.IsAny<object?>(), It.IsAny<TaskOptions?>())
            )
            .Returns(
                (TaskName _, object? input, TaskOptions? options) =>
                {
                    var update = (UpdateSequencerInboxInput)input!;
                    Assert.Same(ProvisioningRetries.Sequencer, options);
                    sequencer.Add(update.Swap.SwapId);
                    return update.Swap.SwapId == "swp_d"
                        ? Task.FromException<UpdateSequencerInboxResult>(
                            new TaskFailedException(
                                nameof(UpdateSequencerInbox),
                                4,
                                new TaskFailureDetails("ProviderException", "503", null, null, null)
                            )
                        )
                        : Task.FromResult(new UpdateSequencerInboxResult(true, 7));
                }
            );
        context
            .Setup(c =>
                c.CallActivityAsync<PublishSwapEventResult>(nameof(PublishSwapEvent), It.IsAny<object?>(), It.IsAny<TaskOptions?>())
            )
            .Returns(
                (TaskName _, object? input, TaskOptions? _) =>
                {
                    var e = (PublishSwapEventInput)input!;
                    events.Add($"{e.Swap.SwapId}:{e.Type}:{e.Reason?.Code}");
                    return Task.FromResult(new PublishSwapEventResult("evt", SwapEvents.StatusOf(e.Type)));
                }
            );
        FinishUserNameSwapInput? finished = null;
        context
            .Setup(c => c.CallActivityAsync<bool>(nameof(FinishUserNameSwap), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(
                (TaskName _, object? input, TaskOptions? _) =>
                {
                    finished = (FinishUserNameSwapInput)input!;
                    return Task.FromResult(true);
                }
            );

        var outcome = await new UserNameSwapOrchestrator().RunAsync(context.Object, Input);

        Assert.Equal(new UserNameSwapOutcome("swp_a", 1, 1, 2), outcome);
        Assert.Equal(
            [
                "swp_a:swap.created:",
                "swp_b:swap.created:",
                "swp_c:swap.created:",
                "swp_d:swap.created:",
                "swp_a:swap.in_progress:",
                "swp_b:swap.in_progress:",
                "swp_c:swap.in_progress:",
                "swp_d:swap.in_progress:",
                "swp_a:swap.completed:",
                "swp_b:swap.failed:mailbox_failed",
                "swp_c:swap.action_required:profile_picture_not_accessible",
                "swp_d:swap.failed:sequencer_failed",
            ],
            events
        );
        Assert.Equal(["swp_a", "swp_c", "swp_d"], sequencer);
        Assert.All(renameOptions, o => Assert.Same(ProvisioningRetries.Provider, o));
        Assert.Equal(new FinishUserNameSwapInput(new SwapRef("swp_a", PeekerEnvironment.Test, "org_test"), "dom_1"), finished);
    }
}
