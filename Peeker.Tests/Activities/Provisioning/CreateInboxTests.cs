using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Peeker.Activities.Common;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Activities.Common;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>Live profile pictures: fetched through the SSRF guard, bounded in size (the order lives on Azurite, for its password key id).</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class CreateInboxTests(SandboxServerFixture sandbox)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Provisioning:InboxPasswordKeyId"] = "k1",
        ["Provisioning:InboxPasswordKeys:k1"] = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray()),
    };

    [Fact]
    public async Task RunAsync_PictureUrlResolvingToLoopback_IsRefusedAtConnectTime()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            // An IPv4-mapped literal: not "loopback" to a URL check, 127.0.0.1 once resolved.
            var url = $"https://[::ffff:127.0.0.1]:{((IPEndPoint)listener.LocalEndpoint).Port}/ada.png";
            using var services = new ServiceCollection()
                .AddPeekerProvisioning(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build())
                .BuildServiceProvider();
            var google = new Mock<IGoogleWorkspaceClient>();
            var activity = await Activity(
                google,
                services.GetRequiredService<IHttpClientFactory>(),
                services.GetRequiredService<IOptions<ProvisioningOptions>>()
            );

            var result = await activity.RunAsync(new TestActivityContext(nameof(CreateInbox), "ord_test"), Input(url));

            Assert.Equal(CreateInbox.PictureNotAccessible, result.PictureProblem);
            Assert.False(listener.Pending());
            google.Verify(
                g =>
                    g.SetProfilePhotoAsync(
                        It.IsAny<string>(),
                        It.IsAny<ReadOnlyMemory<byte>>(),
                        It.IsAny<string>(),
                        It.IsAny<CancellationToken>()
                    ),
                Times.Never
            );
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task RunAsync_PictureOverFiveMiB_IsRefused()
    {
        var picture = new byte[CreateInbox.MaxPictureBytes + 1];
        var google = new Mock<IGoogleWorkspaceClient>();
        var http = new Mock<IHttpClientFactory>();
        http.Setup(f => f.CreateClient(CreateInbox.PictureClientName)).Returns(() => new HttpClient(new PictureServer(picture)));
        var options = Options.Create(
            new ProvisioningOptions
            {
                InboxPasswordKeyId = "k1",
                InboxPasswordKeys = new(StringComparer.OrdinalIgnoreCase) { ["k1"] = Settings["Provisioning:InboxPasswordKeys:k1"]! },
            }
        );

        var result = await (await Activity(google, http.Object, options)).RunAsync(
            new TestActivityContext(nameof(CreateInbox), "ord_test"),
            Input("https://pictures.example/ada.png")
        );

        Assert.Equal(CreateInbox.PictureNotAccessible, result.PictureProblem);
        google.Verify(
            g =>
                g.SetProfilePhotoAsync(
                    It.IsAny<string>(),
                    It.IsAny<ReadOnlyMemory<byte>>(),
                    It.IsAny<string>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );
    }

    private async Task<CreateInbox> Activity(
        Mock<IGoogleWorkspaceClient> google,
        IHttpClientFactory http,
        IOptions<ProvisioningOptions> options
    )
    {
        var orders = new OrderStore(await TestTables.CreateAsync(sandbox.StorageConnectionString));
        _order = await TestOrders.CreateAsync(
            orders,
            PeekerEnvironment.Live,
            SandboxServerFixture.NewPartner().PartnerId,
            "brand-mail.com"
        );
        google
            .Setup(g => g.CreateUserAsync(It.IsAny<GoogleUserInput>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((GoogleUserInput u, CancellationToken _) => new GoogleUserResult("u1", u.PrimaryEmail, AlreadyExisted: false));
        var factory = new Mock<IGoogleWorkspaceClientFactory>();
        factory.Setup(f => f.Create(It.IsAny<ProviderScope>())).Returns(google.Object);
        return new CreateInbox(factory.Object, Mock.Of<IMicrosoftClientFactory>(), new InboxPasswords(options, orders), http, options);
    }

    private Order _order = null!;

    private CreateInboxInput Input(string pictureUrl) =>
        new(
            new OrderRef(_order.Id, PeekerEnvironment.Live, _order.PartnerId),
            "brand-mail.com",
            MailProvider.Google,
            new PlannedInbox("ada", "Ada", "Lovelace", pictureUrl),
            new TenantIds("C012", null, null)
        );

    /// <summary>Answers every request with the picture as image/png, streamed without a Content-Length.</summary>
    private sealed class PictureServer(byte[] picture) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new OutboundHttpGuardTests.UnknownLengthStream(picture));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}
