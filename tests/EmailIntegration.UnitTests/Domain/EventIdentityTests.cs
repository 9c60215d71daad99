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

public sealed class EventIdentityEncodingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 8, 30, 15, TimeSpan.Zero);

    [Theory]
    [InlineData("a\u001fb", "c", "a", "b\u001fc")] // the old separator inside a part
    [InlineData("ab", "", "a", "b")]
    [InlineData("", "ab", "a", "b")]
    [InlineData("a\0", "b", "a", "\0b")]
    [InlineData("a\u0001\0\0\0b", "c", "a", "b\u0001\0\0\0c")] // bytes that look like a length prefix
    public void Moving_text_between_parts_changes_the_id(string vendor1, string mailing1, string vendor2, string mailing2) =>
        Assert.NotEqual(
            EventIdentity.For(vendor1, mailing1, "r", TrackingEventKind.Opened, At),
            EventIdentity.For(vendor2, mailing2, "r", TrackingEventKind.Opened, At));

    [Fact]
    public void Moving_text_between_the_recipient_and_the_discriminator_changes_the_id() =>
        Assert.NotEqual(
            EventIdentity.For("v", "m", "r\u001fx", TrackingEventKind.LinkClicked, At, "u"),
            EventIdentity.For("v", "m", "r", TrackingEventKind.LinkClicked, At, "x\u001fu"));

    [Fact]
    public void Every_kind_gives_its_own_id() =>
        Assert.Equal(
            Enum.GetValues<TrackingEventKind>().Length,
            Enum.GetValues<TrackingEventKind>().Select(k => EventIdentity.For("v", "m", "r", k, At)).Distinct(StringComparer.Ordinal).Count());

    [Theory]
    [InlineData("https://x.example/a")]
    [InlineData("ünïcödé 😀 / ? # \\ + =")]
    [InlineData("\ud800 lone surrogate")]
    public void Ids_are_22_key_safe_characters_and_deterministic(string discriminator)
    {
        var id = EventIdentity.For("highroad", "9000", "ind-000001", TrackingEventKind.LinkClicked, At, discriminator);

        Assert.Matches("^[A-Za-z0-9_-]{22}$", id);
        Assert.Equal(id, EventIdentity.For("highroad", "9000", "ind-000001", TrackingEventKind.LinkClicked, At, discriminator));
    }

    [Fact]
    public void Long_parts_beyond_the_stack_buffer_hash_the_same_way_and_stay_distinct()
    {
        var longUrl = "https://x.example/" + new string('a', 5_000);
        var id = EventIdentity.For("v", "m", "r", TrackingEventKind.LinkClicked, At, longUrl);

        Assert.Matches("^[A-Za-z0-9_-]{22}$", id);
        Assert.Equal(id, EventIdentity.For("v", "m", "r", TrackingEventKind.LinkClicked, At, longUrl));
        Assert.NotEqual(id, EventIdentity.For("v", "m", "r", TrackingEventKind.LinkClicked, At, longUrl + "b"));
    }

    [Fact]
    public void The_scheme_is_pinned()
    {
        // XxHash128 of the length-prefixed parts (see EventIdentity.For). A change here changes every stored event id.
        Assert.Equal(Pinned, EventIdentity.For("highroad", "9000", "ind-000001", TrackingEventKind.Opened, At));
    }

    private const string Pinned = "FZ5R11TjBqYq8SC121Pu1w";
}
