using EmailIntegration.Domain.Events;
using Xunit;

namespace EmailIntegration.UnitTests.Domain;

public sealed class EventIdentityTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 8, 30, 15, TimeSpan.Zero);

    private static string Id(
        string vendor = "realmagnet", string mailing = "m-1", string recipient = "r-1",
        TrackingEventKind kind = TrackingEventKind.Opened, DateTimeOffset? at = null, string? discriminator = null) =>
        EventIdentity.For(vendor, mailing, recipient, kind, at ?? At, discriminator);

    [Fact]
    public void TheSameRecord_AlwaysGetsTheSameId()
    {
        Assert.Equal(Id(), Id());
        Assert.Equal(Id(discriminator: "https://x/y"), Id(discriminator: "https://x/y"));
    }

    [Fact]
    public void TheSameInstantInAnotherOffset_GetsTheSameId() =>
        Assert.Equal(Id(at: At), Id(at: At.ToOffset(TimeSpan.FromHours(-5))));

    [Fact]
    public void NoDiscriminator_IsTheSameAsAnEmptyOne() =>
        Assert.Equal(Id(discriminator: null), Id(discriminator: ""));

    [Fact]
    public void EachComponent_ChangesTheId()
    {
        string[] ids =
        [
            Id(),
            Id(vendor: "other"),
            Id(mailing: "m-2"),
            Id(recipient: "r-2"),
            Id(kind: TrackingEventKind.Delivered),
            Id(at: At.AddTicks(1)),
            Id(discriminator: "https://x/y"),
        ];

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ShiftingTextBetweenComponents_ChangesTheId() =>
        Assert.NotEqual(Id(vendor: "ab", mailing: "c"), Id(vendor: "a", mailing: "bc"));

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("ünïcödé / ? # \\ + =")]
    public void Hash_IsAKeySafe22CharacterString(string value)
    {
        var hash = EventIdentity.Hash(value);

        Assert.Equal(22, hash.Length);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", hash);
        Assert.Equal(hash, EventIdentity.Hash(value));
    }

    [Fact]
    public void Hash_IsAFixedFunctionOfItsInput()
    {
        // SHA-256("") starts e3b0c442 98fc1c14 9afbf4c8 996fb924: base64url of the first 16 bytes.
        Assert.Equal("47DEQpj8HBSa-_TImW-5JA", EventIdentity.Hash(string.Empty));
    }
}
