using System.Buffers.Text;
using System.Security.Cryptography;
using CsCheck;
using EmailIntegration.Pipeline.Serve;
using Xunit;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class PageTokenTests
{
    internal static readonly string TestKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static readonly PageTokenProtector Tokens = PageTokenProtector.FromBase64(TestKey);

    private static readonly PageContext Context = new("link-tracking", "ind-1", null, null, null);

    [Theory]
    [InlineData("+RID:~abc==#RT:1#TRC:25#ISV:2#IEO:65567")]
    [InlineData("""[{"compositeToken":"{\"token\":null,\"range\":{\"min\":\"\",\"max\":\"FF\"}}"}]""")]
    [InlineData("line one\nline two")]
    [InlineData("ünïcödé ✓")]
    [InlineData("x")]
    public void AStoreToken_RoundTrips(string storeToken)
    {
        var token = Tokens.Protect(Context, storeToken);

        Assert.Equal(storeToken, Tokens.Unprotect(Context, token));
    }

    [Fact]
    public void AnyNonEmptyStoreToken_RoundTrips_AsAUrlSafeToken()
    {
        Gen.String.Where(s => s.Length > 0).Sample(storeToken =>
        {
            var token = Tokens.Protect(Context, storeToken)!;

            Assert.Matches("^[A-Za-z0-9_-]*$", token);
            Assert.Equal(storeToken, Tokens.Unprotect(Context, token));
        });
    }

    [Fact]
    public void NoStoreToken_GivesNoToken_AndNoToken_MeansTheFirstPage()
    {
        Assert.Null(Tokens.Protect(Context, null));
        Assert.Null(Tokens.Unprotect(Context, null));
        Assert.Null(Tokens.Unprotect(Context, ""));
    }

    public static TheoryData<PageContext> OtherLists => new()
    {
        Context with { Form = "tracking" },
        Context with { IndividualId = "ind-2" },
        Context with { From = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        Context with { To = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        Context with { Vendor = "informz" },
    };

    [Theory]
    [MemberData(nameof(OtherLists))]
    public void ATokenOfAnotherFormIndividualOrFilter_IsAClientError(PageContext other)
    {
        var token = Tokens.Protect(Context, "+RID:~abc");

        var exception = Assert.Throws<InvalidRequestException>(() => Tokens.Unprotect(other, token));

        Assert.Equal("continuationToken", exception.Parameter);
    }

    [Fact]
    public void AnyChangedByte_IsAClientError()
    {
        var bytes = Base64Url.DecodeFromChars(Tokens.Protect(Context, "+RID:~abc"));
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;

            Assert.Throws<InvalidRequestException>(() => Tokens.Unprotect(Context, Base64Url.EncodeToString(tampered)));
        }
    }

    [Fact]
    public void AStoreTokenSwappedUnderAValidSignature_IsAClientError()
    {
        var bytes = Base64Url.DecodeFromChars(Tokens.Protect(Context, "+RID:~abc"));
        var forged = bytes[..33].Concat("+RID:~xyz"u8.ToArray()).ToArray();

        Assert.Throws<InvalidRequestException>(() => Tokens.Unprotect(Context, Base64Url.EncodeToString(forged)));
    }

    [Fact]
    public void ATokenSignedWithAnotherKey_IsAClientError()
    {
        var other = new PageTokenProtector(RandomNumberGenerator.GetBytes(32));

        Assert.Throws<InvalidRequestException>(() => Tokens.Unprotect(Context, other.Protect(Context, "+RID:~abc")));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("!!!!")]
    [InlineData("not a token")]
    [InlineData("%2F%2F")]
    [InlineData("bGlua1RyYWNraW5n")] // the old, unsigned format: "linkTracking"
    [InlineData("bGlua1RyYWNraW5nCitSSUQ6fmFiYw")] // the old, unsigned format: "linkTracking\n+RID:~abc"
    public void GarbageTokens_AreClientErrors(string garbage) =>
        Assert.Throws<InvalidRequestException>(() => Tokens.Unprotect(Context, garbage));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAEC")] // 3 bytes
    public void AMissingOrShortKey_IsAConfigurationError(string? key) =>
        Assert.Throws<InvalidOperationException>(() => PageTokenProtector.FromBase64(key));
}
