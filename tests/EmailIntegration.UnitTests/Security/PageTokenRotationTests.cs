using System.Buffers.Text;
using System.Security.Cryptography;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;

namespace EmailIntegration.UnitTests.Security;

/// <summary>Continuation tokens name the key that signed them and expire; the previous key still verifies during a rotation.</summary>
public sealed class PageTokenRotationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] OldKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] NewKey = RandomNumberGenerator.GetBytes(32);
    private static readonly PageContext Context = new("tracking", "ind-1", null, null, null);

    [Fact]
    public void ATokenCarriesTheIdOfTheKeyThatSignedIt()
    {
        var token = Base64Url.DecodeFromChars(new PageTokenProtector(NewKey, OldKey, new FixedTimeProvider(Now)).Protect(Context, "cursor"));

        Assert.Equal(2, token[0]);
        Assert.Equal(PageTokenProtector.KeyId(NewKey), token[1..5]);
    }

    [Fact]
    public void DuringARotation_ATokenSignedByThePreviousKey_IsStillAccepted()
    {
        var before = new PageTokenProtector(OldKey, time: new FixedTimeProvider(Now));
        var during = new PageTokenProtector(NewKey, OldKey, new FixedTimeProvider(Now.AddMinutes(5)));

        Assert.Equal("cursor", during.Unprotect(Context, before.Protect(Context, "cursor")));
        Assert.Equal("cursor", during.Unprotect(Context, during.Protect(Context, "cursor")));
    }

    [Fact]
    public void AfterTheRotation_ATokenOfTheRetiredKey_IsRefused()
    {
        var before = new PageTokenProtector(OldKey, time: new FixedTimeProvider(Now));
        var after = new PageTokenProtector(NewKey, time: new FixedTimeProvider(Now.AddMinutes(5)));

        Assert.Equal("continuationToken", Assert.Throws<InvalidRequestException>(() => after.Unprotect(Context, before.Protect(Context, "cursor"))).Parameter);
    }

    [Fact]
    public void AnExpiredToken_IsRefused_AndSaysSo()
    {
        var token = new PageTokenProtector(NewKey, time: new FixedTimeProvider(Now)).Protect(Context, "cursor");
        var later = new PageTokenProtector(NewKey, time: new FixedTimeProvider(Now + PageTokenProtector.DefaultLifetime + TimeSpan.FromSeconds(1)));

        var ex = Assert.Throws<InvalidRequestException>(() => later.Unprotect(Context, token));

        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpiryMovedLater_BreaksTheSignature()
    {
        var bytes = Base64Url.DecodeFromChars(new PageTokenProtector(NewKey, time: new FixedTimeProvider(Now)).Protect(Context, "cursor"));
        bytes[6] ^= 0x7F;

        Assert.Throws<InvalidRequestException>(() =>
            new PageTokenProtector(NewKey, time: new FixedTimeProvider(Now)).Unprotect(Context, Base64Url.EncodeToString(bytes)));
    }

    [Fact]
    public void ThePreviousKeySetting_IsRead_AndAMalformedOneIsAConfigurationError()
    {
        var rotated = PageTokenProtector.FromBase64(Convert.ToBase64String(NewKey), Convert.ToBase64String(OldKey), new FixedTimeProvider(Now));
        var old = new PageTokenProtector(OldKey, time: new FixedTimeProvider(Now));

        Assert.Equal("c", rotated.Unprotect(Context, old.Protect(Context, "c")));
        Assert.Throws<InvalidOperationException>(() => PageTokenProtector.FromBase64(Convert.ToBase64String(NewKey), "AAEC"));
    }
}
