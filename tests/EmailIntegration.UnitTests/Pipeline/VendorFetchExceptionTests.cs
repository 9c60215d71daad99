using System.Net;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors;
using Xunit;

namespace EmailIntegration.UnitTests.Pipeline;

/// <summary>A failure's class is typed: the HTTP status or the thrower's own verdict decide, never the message text.</summary>
public sealed class VendorFetchExceptionTests
{
    [Theory]
    [InlineData(HttpStatusCode.BadRequest, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.Unauthorized, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.NotFound, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.RequestTimeout, VendorFailureKind.Transient)]
    [InlineData(HttpStatusCode.TooManyRequests, VendorFailureKind.Transient)]
    [InlineData(HttpStatusCode.InternalServerError, VendorFailureKind.Transient)]
    [InlineData(HttpStatusCode.ServiceUnavailable, VendorFailureKind.Transient)]
    public void TheStatus_DecidesTheKind(HttpStatusCode status, VendorFailureKind expected)
    {
        var ex = VendorFetchException.ForStatus("realmagnet", "GetMessageList failed", status);

        Assert.Equal((expected, status), (ex.Kind, ex.StatusCode));
        Assert.Equal(expected == VendorFailureKind.Permanent, VendorFailures.From("realmagnet", ex).Permanent);
    }

    [Fact]
    public void TheMessageText_DecidesNothing()
    {
        var worded = new VendorFetchException("informz", "authentication was refused and is not configured");

        Assert.False(VendorFailures.From("informz", worded).Permanent);
        Assert.True(VendorFailures.From("informz",
            new VendorFetchException("informz", "plain words", kind: VendorFailureKind.Permanent)).Permanent);
    }

    [Fact]
    public void AHighRoadTransfer_IsPermanent_WhenRefusedAsConfigured_OrRefusedByStatus()
    {
        Assert.True(VendorFailures.From("highroad", new VendorFetchException("highroad", "x", kind: VendorFailureKind.Permanent)).Permanent);
        Assert.True(VendorFailures.From("highroad", VendorFetchException.ForStatus("highroad", "x", HttpStatusCode.Forbidden)).Permanent);
        Assert.False(VendorFailures.From("highroad", VendorFetchException.ForStatus("highroad", "is not configured.", HttpStatusCode.BadGateway)).Permanent);
        Assert.False(VendorFailures.From("highroad", new VendorFetchException("highroad", "is not configured.")).Permanent);
    }
}
