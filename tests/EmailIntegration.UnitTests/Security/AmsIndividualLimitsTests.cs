using System.Text;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Functions.Individuals;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Individuals;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EmailIntegration.UnitTests.Security;

/// <summary>PUT /api/individuals/{id}: preferences are bounded, keyed by their normalized type, and never dated in the future.</summary>
public sealed class AmsIndividualLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly Mock<IIndividualDocumentStore> store = new();
    private readonly List<ProfileDocument> saved = [];
    private ProfileDocument? existing;

    public AmsIndividualLimitsTests()
    {
        store.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => existing is null
                ? DocumentSnapshot.Empty
                : new DocumentSnapshot(new Dictionary<string, IndividualDocument> { [ProfileDocument.DocumentId] = existing }, new Dictionary<string, string>()));
        store.Setup(s => s.SaveAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<IndividualDocument>>(), It.IsAny<DocumentSnapshot>(), It.IsAny<CancellationToken>()))
            .Callback<string, IReadOnlyList<IndividualDocument>, DocumentSnapshot, CancellationToken>((_, docs, _, _) => saved.AddRange(docs.OfType<ProfileDocument>()))
            .Returns(Task.CompletedTask);
    }

    private IndividualProfileService Service() =>
        new(store.Object, new EffectRules(["Events"], [], [], 3), new FixedTimeProvider(Now), NullLogger<IndividualProfileService>.Instance);

    private static AmsIndividual With(params AmsCommunicationPreference[] preferences) => new("a@example.org", CommunicationPreferences: preferences);

    private async Task<InvalidRequestException> Refused(AmsIndividual individual)
    {
        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => Service().UpsertFromAmsAsync("IND-1", individual, CancellationToken.None));
        Assert.Empty(saved);
        return ex;
    }

    [Fact]
    public async Task MoreThanTheMaximumPreferencesInOnePut_AreRefused()
    {
        var many = Enumerable.Range(0, IndividualProfileService.MaxPreferencesPerRequest + 1)
            .Select(i => new AmsCommunicationPreference($"Type {i}", false, null)).ToArray();

        Assert.Equal("communicationPreferences", (await Refused(With(many))).Parameter);
    }

    [Fact]
    public async Task AMailingTypeLongerThanTheLimit_IsRefused()
    {
        var ex = await Refused(With(new AmsCommunicationPreference(new string('x', 50_000), false, null)));

        Assert.Equal("communicationPreferences[0].mailingType", ex.Parameter);
    }

    [Theory]
    [InlineData("Events", "EVENTS")]
    [InlineData("Events", " events ")]
    [InlineData("Member  News", "member news")]
    public async Task TheSameTypeTwice_IgnoringCaseAndSpaces_IsRefused(string first, string second)
    {
        var ex = await Refused(With(new AmsCommunicationPreference(first, true, null), new AmsCommunicationPreference(second, false, null)));

        Assert.Equal("communicationPreferences[1].mailingType", ex.Parameter);
    }

    [Fact]
    public async Task AProfileThatWouldHoldMoreTypesThanTheLimit_IsRefused()
    {
        existing = ProfileDocument.New("IND-1");
        existing.ApplyAms(With(Enumerable.Range(0, IndividualProfileService.MaxPreferencesPerProfile)
            .Select(i => new AmsCommunicationPreference($"Old {i}", false, Now.AddDays(-1))).ToArray()), Now.AddDays(-1), new EffectRules([], [], [], 3));

        Assert.Equal("communicationPreferences", (await Refused(With(new AmsCommunicationPreference("One more", false, null)))).Parameter);
    }

    [Theory]
    [InlineData("9999-12-31T00:00:00Z")]
    [InlineData("2026-12-01T10:06:00Z")]
    public async Task AChangeTimeBeyondTheClockSkew_IsRefused(string changedAt)
    {
        var ex = await Refused(With(new AmsCommunicationPreference("Events", false, DateTimeOffset.Parse(changedAt, System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal("communicationPreferences[0].changedAt", ex.Parameter);
    }

    [Fact]
    public async Task AChangeTimeWithinTheClockSkew_AndDistinctTypes_AreSaved()
    {
        await Service().UpsertFromAmsAsync("IND-1", With(
            new AmsCommunicationPreference("Events", true, Now.AddMinutes(4)), new AmsCommunicationPreference("Newsletter", false, null)), CancellationToken.None);

        Assert.Equal(2, Assert.Single(saved).CommunicationPreferences.Count);
    }

    [Theory]
    [InlineData("a@b.example")]
    [InlineData("not a date")]
    [InlineData("2026-13-45T99:00:00Z")]
    public async Task AMalformedDateInTheBody_IsAClientError_ThatDoesNotQuoteTheValue(string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(
            $$"""{"email":"x@example.org","communicationPreferences":[{"mailingType":"Events","optedOut":true,"changedAt":"{{value}}"}]}"""));

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => AmsIndividualRequest.ReadAsync(context.Request, CancellationToken.None));

        Assert.Equal("body", ex.Parameter);
        Assert.DoesNotContain(value, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedDate_IsA400ProblemFromTheFunction_AndNothingOfTheBodyIsLogged()
    {
        const string Address = "probe@victim.example";
        var logger = new RecordingLogger<PutIndividual>();
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(
            $$"""{"email":"x@example.org","communicationPreferences":[{"mailingType":"Events","optedOut":true,"changedAt":"{{Address}}"}]}"""));

        var result = await new PutIndividual(Service(), logger).Run(context.Request, "IND-1", CancellationToken.None);

        Assert.Equal(400, Assert.IsType<Microsoft.AspNetCore.Mvc.ObjectResult>(result).StatusCode);
        Assert.DoesNotContain(logger.Lines, line => line.Contains(Address, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMalformedOptOutTime_IsAClientError_ThatDoesNotQuoteTheValue()
    {
        const string Address = "probe@victim.example";
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"mailingType":"Events","optedOutAt":"{{Address}}"}"""));

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            EmailIntegration.Functions.Http.RequestBody.ReadJsonAsync<EmailIntegration.Pipeline.Outbound.OptOutRequest>(context.Request, 16_384, CancellationToken.None));

        Assert.DoesNotContain(Address, ex.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>Every formatted line and exception text a component logs.</summary>
internal sealed class RecordingLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Add(formatter(state, exception) + " " + exception);
}
