using System.Text;
using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Individuals;
using EmailIntegration.Functions.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmailIntegration.UnitTests.Functions;

/// <summary>
/// Every route that reads a body answers the same way past its limit: 413 problem+json, whether the
/// size is declared (Content-Length) or only found while reading. The webhook route's 413 is in
/// <see cref="ReceiveWebhookTests"/>. The services are never reached, so none is built.
/// </summary>
public sealed class RequestBodyLimitTests
{
    private static HttpRequest Body(int bytes, bool declareLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{\"x\":\"" + new string('a', bytes) + "\"}"));
        if (declareLength)
        {
            context.Request.ContentLength = context.Request.Body.Length;
        }

        return context.Request;
    }

    private static void AssertTooLarge(IActionResult result)
    {
        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, problem.StatusCode);
        Assert.Contains(ApiResults.ProblemJson, problem.ContentTypes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PutIndividual_PastItsLimit_Is413(bool declareLength) =>
        AssertTooLarge(await new PutIndividual(null!, NullLogger<PutIndividual>.Instance)
            .Run(Body(AmsIndividualRequest.MaxBodyBytes, declareLength), "IND-1", CancellationToken.None));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PostOptOut_PastItsLimit_Is413(bool declareLength) =>
        AssertTooLarge(await new PostOptOut(null!, NullLogger<PostOptOut>.Instance)
            .Run(Body(OutboundHttp.MaxOptOutBodyBytes, declareLength), "IND-1", CancellationToken.None));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PostBlast_PastItsLimit_Is413(bool declareLength) =>
        AssertTooLarge(await new PostBlast(null!, NullLogger<PostBlast>.Instance)
            .Run(Body(OutboundHttp.MaxBlastBodyBytes, declareLength), CancellationToken.None));

    [Fact]
    public async Task ABodyAtItsLimit_IsRead_AndMalformedJsonIsStillA400()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', 10) + "{"));

        var read = await RequestBody.ReadAsync(context.Request, 11, CancellationToken.None);
        context.Request.Body.Position = 0;
        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => RequestBody.ReadJsonAsync<object>(context.Request, 11, CancellationToken.None));

        Assert.Equal(11, read.Length);
        Assert.Equal("body", ex.Parameter);
    }
}
