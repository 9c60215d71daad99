using System.Text;
using CsCheck;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Serve;
using Xunit;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class PageTokenTests
{
    private const string Form = DocumentTypes.LinkTracking;

    [Theory]
    [InlineData("+RID:~abc==#RT:1#TRC:25#ISV:2#IEO:65567")]
    [InlineData("""[{"compositeToken":"{\"token\":null,\"range\":{\"min\":\"\",\"max\":\"FF\"}}"}]""")]
    [InlineData("line one\nline two")]
    [InlineData("ünïcödé ✓")]
    [InlineData("x")]
    public void AStoreToken_RoundTrips(string storeToken)
    {
        var token = PageToken.Encode(Form, storeToken);

        Assert.Equal(storeToken, PageToken.Decode(Form, token));
    }

    [Fact]
    public void AnyNonEmptyStoreToken_RoundTrips_AsAUrlSafeToken()
    {
        Gen.String.Where(s => s.Length > 0).Sample(storeToken =>
        {
            var token = PageToken.Encode(Form, storeToken)!;

            Assert.Matches("^[A-Za-z0-9_-]*$", token);
            Assert.Equal(storeToken, PageToken.Decode(Form, token));
        });
    }

    [Fact]
    public void NoStoreToken_GivesNoToken_AndNoToken_MeansTheFirstPage()
    {
        Assert.Null(PageToken.Encode(Form, null));
        Assert.Null(PageToken.Decode(Form, null));
        Assert.Null(PageToken.Decode(Form, ""));
    }

    [Fact]
    public void ATokenOfAnotherForm_IsAClientError()
    {
        var token = PageToken.Encode(DocumentTypes.Tracking, "+RID:~abc");

        var exception = Assert.Throws<InvalidRequestException>(() => PageToken.Decode(Form, token));

        Assert.Equal("continuationToken", exception.Parameter);
    }

    [Fact]
    public void ATamperedToken_IsAClientError()
    {
        var token = PageToken.Encode(Form, "+RID:~abc")!;
        // The first characters encode the form name: changing one changes the form.
        var tampered = (token[0] == 'A' ? 'B' : 'A') + token[1..];

        Assert.Throws<InvalidRequestException>(() => PageToken.Decode(Form, tampered));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("!!!!")]
    [InlineData("not a token")]
    [InlineData("%2F%2F")]
    [InlineData("bGlua1RyYWNraW5n")] // "linkTracking" with no separator
    [InlineData("bGlua1RyYWNraW5nCg")] // "linkTracking\n" with no store token
    [InlineData("CitSSUQ6fmFiYw")] // "\n+RID:~abc": no form
    public void GarbageTokens_AreClientErrors(string garbage) =>
        Assert.Throws<InvalidRequestException>(() => PageToken.Decode(Form, garbage));

    [Fact]
    public void AStandardBase64Token_OfTheRightForm_IsStillAccepted()
    {
        var standard = Convert.ToBase64String(Encoding.UTF8.GetBytes(Form + "\nrest")).TrimEnd('=');

        Assert.Equal("rest", PageToken.Decode(Form, standard.Replace('+', '-').Replace('/', '_')));
    }
}
