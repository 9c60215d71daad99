using EmailIntegration.Domain.Documents;
using EmailIntegration.Functions.Http;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Functions;

public sealed class GetEmailIntegrationTabTests
{
    private readonly Mock<IIndividualDocumentStore> store = new();

    private Task<IActionResult> Get(string individualId) =>
        new GetEmailIntegrationTab(new EmailIntegrationTabReader(store.Object), NullLogger<GetEmailIntegrationTab>.Instance)
            .Run(new DefaultHttpContext().Request, individualId, CancellationToken.None);

    [Fact]
    public async Task AnIndividualWithData_Gets200WithTheTabAsApiJson()
    {
        EmailIntegrationTabReaderTests.SetupForms(store, "ind-1", EmailIntegrationTabReaderTests.DocumentsOf(Delivered("ind-1", "m-1", T0)));

        var result = await Get("ind-1");

        var json = Assert.IsType<JsonResult>(result);
        Assert.Equal(StatusCodes.Status200OK, json.StatusCode);
        Assert.Same(ApiJson.Options, json.SerializerSettings);
        var tab = Assert.IsType<EmailIntegrationTab>(json.Value);
        Assert.Equal("ind-1", tab.IndividualId);
        Assert.Equal("m-1", Assert.Single(tab.Tracking.Items).MailingId);
    }

    [Fact]
    public async Task AnIndividualWithNoData_Gets404Problem()
    {
        EmailIntegrationTabReaderTests.SetupForms(store, "ind-1", []);

        var result = await Get("ind-1");

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status404NotFound, problem.StatusCode);
        Assert.Equal(404, Assert.IsType<ProblemDetails>(problem.Value).Status);
        Assert.Contains("application/problem+json", problem.ContentTypes);
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task ABadIndividualId_Gets400ProblemNamingTheParameter(string individualId)
    {
        var result = await Get(individualId);

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        var details = Assert.IsType<ProblemDetails>(problem.Value);
        Assert.Contains("individualId", details.Title, StringComparison.Ordinal);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AStoreFailure_Gets500ProblemThatSaysNothingOfTheCause()
    {
        store.Setup(s => s.QueryAsync(It.IsAny<string>(), It.IsAny<FormQuery>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("secret connection detail"));

        var result = await Get("ind-1");

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status500InternalServerError, problem.StatusCode);
        var details = Assert.IsType<ProblemDetails>(problem.Value);
        Assert.DoesNotContain("secret", details.Title + details.Detail, StringComparison.Ordinal);
    }
}
