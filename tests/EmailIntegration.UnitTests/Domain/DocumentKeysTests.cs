using CsCheck;
using EmailIntegration.Domain.Rules;
using Xunit;

namespace EmailIntegration.UnitTests.Domain;

public sealed class DocumentKeysTests
{
    private static readonly char[] ForbiddenInCosmosIds = ['/', '\\', '?', '#'];
    private const int CosmosMaxIdLength = 255;

    private static readonly string[] Hostile =
    [
        "../../etc/passwd",
        "a/b",
        @"a\b",
        "what?x=1",
        "#fragment",
        "%2F%5C",
        "",
        " ",
        "mailing id with spaces",
        "ünïcödé-mailing",
        "line\nbreak",
        "h-" + new string('x', 22),
        new string('/', 500),
        new string('a', 65),
        "tab\there|pipe",
    ];

    public static TheoryData<string> HostileIds => new(Hostile);

    private static IEnumerable<string> AllKeysFor(string vendor, string mailingId, string other) =>
    [
        DocumentKeys.Tracking(vendor, mailingId),
        DocumentKeys.LinkTracking(vendor, mailingId, other),
        DocumentKeys.FaxTracking(vendor, mailingId, other),
        DocumentKeys.Unsubscribe(vendor, mailingId, other),
        DocumentKeys.Unsubscribe(vendor, mailingId, null),
    ];

    [Theory]
    [MemberData(nameof(HostileIds))]
    public void HostileVendorValues_NeverPutForbiddenCharactersInAnId(string hostile)
    {
        foreach (var key in AllKeysFor(hostile, hostile, hostile).Concat(AllKeysFor("realmagnet", hostile, "https://x/y?z#w")))
        {
            Assert.Equal(-1, key.IndexOfAny(ForbiddenInCosmosIds));
            Assert.True(key.Length <= CosmosMaxIdLength, key);
            Assert.DoesNotContain(key, char.IsControl);
        }
    }

    [Fact]
    public void AnyStrings_NeverGiveForbiddenCharactersOrOverlongIds()
    {
        Gen.Select(Gen.String, Gen.String, Gen.String).Sample((vendor, mailingId, other) =>
            Assert.All(AllKeysFor(vendor, mailingId, other), key =>
            {
                Assert.Equal(-1, key.IndexOfAny(ForbiddenInCosmosIds));
                Assert.True(key.Length <= CosmosMaxIdLength);
            }));
    }

    [Fact]
    public void SafeIds_AreKeptReadable()
    {
        Assert.Equal("tracking|realmagnet|m-100_A.1", DocumentKeys.Tracking("realmagnet", "m-100_A.1"));
    }

    [Fact]
    public void DistinctHostileMailingIds_GiveDistinctKeys()
    {
        var ids = Hostile.Distinct().ToList();

        var keys = ids.Select(id => DocumentKeys.Tracking("realmagnet", id)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(ids.Count, keys.Count);
    }

    [Fact]
    public void TheSameBusinessKey_AlwaysGivesTheSameId()
    {
        Assert.Equal(DocumentKeys.LinkTracking("realmagnet", "a/b", "https://x/y"), DocumentKeys.LinkTracking("realmagnet", "a/b", "https://x/y"));
        Assert.NotEqual(DocumentKeys.LinkTracking("realmagnet", "m", "https://x/y"), DocumentKeys.LinkTracking("realmagnet", "m", "https://x/Y"));
        Assert.NotEqual(DocumentKeys.FaxTracking("realmagnet", "m", "1"), DocumentKeys.FaxTracking("realmagnet", "m", "2"));
        Assert.NotEqual(DocumentKeys.Tracking("realmagnet", "m"), DocumentKeys.Tracking("other", "m"));
    }

    [Fact]
    public void UnsubscribeKeys_IgnoreTheCaseAndSpacingOfTheGroupName()
    {
        Assert.Equal(DocumentKeys.Unsubscribe("realmagnet", "m", "Member  News"), DocumentKeys.Unsubscribe("realmagnet", "m", " member news"));
        Assert.NotEqual(DocumentKeys.Unsubscribe("realmagnet", "m", "Member News"), DocumentKeys.Unsubscribe("realmagnet", "m", "Events"));
        Assert.Equal(DocumentKeys.Unsubscribe("realmagnet", "m", null), DocumentKeys.Unsubscribe("realmagnet", "m", ""));
    }

    [Fact]
    public void KeysOfDifferentChildForms_NeverCollide()
    {
        var keys = AllKeysFor("realmagnet", "m", "x").Take(4).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }
}
