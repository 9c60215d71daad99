using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Changes;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Domain;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmailIntegration.UnitTests.Changes;

/// <summary>The changes a save makes reach the log exactly when the save committed, under stable ids, whatever fails in between.</summary>
public sealed class ChangeCaptureTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly InMemoryDocumentStore documents = new();
    private readonly InMemoryChangeLog log = new();
    private readonly FixedTimeProvider time = new(At);

    private ChangeCapturingStore Store() => new(documents, log, time, NullLogger<ChangeCapturingStore>.Instance);

    [Fact]
    public void BetweenTwoProfiles_EachFlagAndPreferenceThatChanged_IsOneChange()
    {
        var before = ProfileState.Of(Profile());
        var after = Profile();
        after.EmailValid = false;
        after.EmailInvalidReason = "Suppressed by the vendor.";
        after.DoNotEmail = true;
        after.CommunicationPreferences.Add(new CommunicationPreference("Events", true, At, PreferenceSource.VendorUnsubscribe));
        after.CommunicationPreferences.Add(new CommunicationPreference("Newsletter", false, At, PreferenceSource.Ams));

        var changes = IndividualChanges.Between(before, after);

        Assert.Equal(
            [
                (ChangeKind.EmailValid, new ChangeValue(EmailValid: false, Reason: "Suppressed by the vendor.")),
                (ChangeKind.DoNotEmail, new ChangeValue(DoNotEmail: true)),
                (ChangeKind.CommunicationPreference, new ChangeValue(MailingType: "Events", OptedOut: true)),
            ],
            changes);
        Assert.Empty(IndividualChanges.Between(ProfileState.Of(after), after));
        Assert.Equal(
            [(ChangeKind.CommunicationPreference, new ChangeValue(MailingType: "  EVENTS ", OptedOut: false))],
            IndividualChanges.Between(ProfileState.Of(after), WithPreference(after, "  EVENTS ", optedOut: false)));
    }

    [Fact]
    public async Task ASpamComplaint_IsOneDoNotEmailChange_InTheLog_AndNotLeftOnTheProfile()
    {
        await SeedProfileAsync();

        await ApplyAsync(TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.SpamComplaint, "ind-1", "m-1", At));

        var change = Assert.Single(log.Changes);
        Assert.Equal((ChangeKind.DoNotEmail, true), (change.Kind, change.Value.DoNotEmail));
        Assert.Empty(documents.Profile("ind-1").PendingChanges);
        Assert.Equal(1, documents.Profile("ind-1").ChangeSequence);
    }

    [Fact]
    public async Task AnUnsubscribeAndALaterResubscribe_AreOnePreferenceChangeEach_AndAReplayAddsNone()
    {
        var rules = new EffectRules(["Events"], [], [], 3);
        await SeedProfileAsync();

        await ApplyAsync(TrackingEvents.Unsubscribed("ind-1", "m-1", "events", At), rules);
        await ApplyAsync(TrackingEvents.Resubscribed("ind-1", "m-2", "Events", At.AddHours(1)), rules);
        await ApplyAsync(TrackingEvents.Resubscribed("ind-1", "m-2", "Events", At.AddHours(1)), rules);

        Assert.Equal(
            [(ChangeKind.CommunicationPreference, "Events", true), (ChangeKind.CommunicationPreference, "Events", false)],
            log.Changes.Select(c => (c.Kind, c.Value.MailingType, c.Value.OptedOut ?? false)));
        Assert.Empty(documents.Profile("ind-1").PendingChanges);
    }

    [Fact]
    public async Task ACrashAfterTheSave_LeavesTheChangeOnTheProfile_AndTheRedeliveryWritesItUnderTheSameId()
    {
        await SeedProfileAsync();
        var complaint = TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.SpamComplaint, "ind-1", "m-1", At);
        log.FailNextAppends = 1;

        await Assert.ThrowsAsync<IOException>(() => ApplyAsync(complaint));
        var pending = Assert.Single(documents.Profile("ind-1").PendingChanges);
        Assert.Empty(log.Changes);

        await ApplyAsync(complaint); // the redelivery: the event is already applied, nothing new changes

        Assert.Equal(pending.ChangeId, Assert.Single(log.Changes).ChangeId);
        Assert.Empty(documents.Profile("ind-1").PendingChanges);
    }

    [Fact]
    public async Task ASaveThatLosesTheRace_RecordsNothing_AndTheRetryRecordsOnlyWhatItChanged()
    {
        await SeedProfileAsync();
        var snapshot = await Store().ReadAsync("ind-1", [ProfileDocument.DocumentId], default);
        var stale = (ProfileDocument)snapshot.Documents[ProfileDocument.DocumentId];
        stale.Apply(TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.SpamComplaint, "ind-1", "m-1", At), EffectRules.None);
        await ApplyAsync(TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.SpamComplaint, "ind-1", "m-2", At.AddMinutes(1)));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store().SaveAsync("ind-1", [stale], snapshot, default));
        await ApplyAsync(TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.SpamComplaint, "ind-1", "m-1", At));

        Assert.Single(log.Changes); // do-not-e-mail was already set by the winner: the loser's retry changes nothing
    }

    [Fact]
    public async Task ACreatedBounce_IsWrittenBeforeTheRow_AndAgainUnderTheSameIdWhenTheRowWriteFails()
    {
        var bounce = TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.Bounced, "ind-1", "m-1", At) with
        {
            Bounce = EmailIntegration.Domain.Events.BounceSeverity.Hard, Status = "550",
        };
        documents.FailNextSaves = 1;

        await Assert.ThrowsAsync<IOException>(() => ApplyAsync(bounce));
        var written = Assert.Single(log.Changes);
        await ApplyAsync(bounce);
        await ApplyAsync(bounce);

        Assert.Equal(written, Assert.Single(log.Changes));
        Assert.Equal((ChangeKind.Bounce, "Hard", "550"), (written.Kind, written.Value.Severity, written.Value.VendorCode));
        Assert.Equal(DocumentKeys.Bounce(bounce.Vendor, "m-1", bounce.EventId), written.Value.DocumentId);
    }

    [Fact]
    public async Task ASaveTheStoreWouldRefuseForItsSize_ReportsNoChange_AndWritesNothing()
    {
        var bounce = TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.Bounced, "ind-1", "m-1", At) with
        {
            Bounce = EmailIntegration.Domain.Events.BounceSeverity.Hard, Status = "550",
        };
        documents.TooLarge = _ => true;

        await Assert.ThrowsAsync<DocumentTooLargeException>(() => ApplyAsync(bounce));

        Assert.Empty(log.Changes);
        Assert.Empty((await documents.ReadAsync("ind-1", [DocumentKeys.Bounce(bounce.Vendor, "m-1", bounce.EventId)], default)).Documents);
    }

    [Fact]
    public async Task AnActionWithdrawnAndReinstated_IsOneChangeEach_WrittenAheadUnderStableIds()
    {
        const string url = "https://www.example-association.org/join";
        var action = new CustomerActionDocument { Id = "ca-1", IndividualId = "ind-1", Vendor = "highroad", MailingId = "m-1", Url = url };
        action.Follow(new LinkActivity(url, 1, 0, At, At, null));
        await Store().SaveAsync("ind-1", [action], DocumentSnapshot.Empty, default);
        var created = Assert.Single(log.Changes);

        var machine = new LinkActivity(url, 0, 1, At, null, "soon-after-delivery");
        documents.FailNextSaves = 1;
        await Assert.ThrowsAsync<IOException>(() => FollowAsync("ca-1", machine));
        await FollowAsync("ca-1", machine); // the retry of the same write
        await FollowAsync("ca-1", machine); // a replay: already withdrawn, nothing changes
        var reinstatedAt = At.AddHours(8);
        await FollowAsync("ca-1", new LinkActivity(url, 1, 1, At, reinstatedAt, null));

        Assert.Equal(3, log.Changes.Count);
        Assert.Equal(created, log.Changes[0]);
        var withdrawn = log.Changes[1];
        Assert.Equal((ChangeKind.CustomerActionWithdrawn, "ca-1", "soon-after-delivery", (string?)null),
            (withdrawn.Kind, withdrawn.Value.DocumentId, withdrawn.Value.Reason, withdrawn.Value.Url));
        var reinstated = log.Changes[2];
        Assert.Equal((ChangeKind.CustomerActionReinstated, "ca-1", url, reinstatedAt, (string?)null),
            (reinstated.Kind, reinstated.Value.DocumentId, reinstated.Value.Url, reinstated.Value.OccurredAt, reinstated.Value.Reason));
        Assert.Equal(3, log.Changes.Select(c => c.ChangeId).Distinct().Count());
        action.Follow(machine); // computed again, later: the same id
        Assert.Equal(withdrawn.ChangeId, IndividualChanges.Followed(action, new ScoredRowState(false, At), At.AddDays(1))!.ChangeId);
    }

    [Fact]
    public async Task AnInterestActivityBornWithdrawn_WritesNothing_UntilAPersonsClickReinstatesItWithWhatACreationCarries()
    {
        const string url = "https://www.example-association.org/events/gala";
        var activity = new InterestActivityDocument { Id = "ia-1", IndividualId = "ind-1", Vendor = "highroad", MailingId = "m-1", Url = url, InterestCode = "EVENTS" };
        activity.Follow(new LinkActivity(url, 0, 3, At, null, "link-burst"));
        await Store().SaveAsync("ind-1", [activity], DocumentSnapshot.Empty, default);
        Assert.Empty(log.Changes); // the AMS never had it: there is nothing to withdraw

        var personAt = At.AddMinutes(30);
        await FollowAsync("ia-1", new LinkActivity(url, 1, 3, At, personAt, null));
        await FollowAsync("ia-1", new LinkActivity(url, 1, 3, At, personAt, null));

        var reinstated = Assert.Single(log.Changes);
        Assert.Equal((ChangeKind.InterestActivityReinstated, "ia-1", "EVENTS", url, personAt),
            (reinstated.Kind, reinstated.Value.DocumentId, reinstated.Value.InterestCode, reinstated.Value.Url, reinstated.Value.OccurredAt));
    }

    [Fact]
    public async Task TheFeed_PagesWithASignedCursor_RereadsTheSameIds_AndRefusesATamperedCursor()
    {
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync($"ind-{i}", [IndividualChange.Create($"c-{i}", $"ind-{i}", ChangeKind.DoNotEmail, new ChangeValue(DoNotEmail: true), At.AddSeconds(i))], default);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PageTokenProtector.KeySetting] = Convert.ToBase64String(new byte[32]),
            [ChangeFeed.SettleSetting] = "0",
        }).Build();
        var feed = new ChangeFeed(log, configuration, new FixedTimeProvider(At.AddMinutes(1)));

        var first = await feed.ReadAsync(null, "2", default);
        var second = await feed.ReadAsync(first.Cursor, "2", default);
        var rest = await feed.ReadAsync(second.Cursor, "1000", default);
        var again = await feed.ReadAsync(first.Cursor, "1000", default);
        var end = await feed.ReadAsync(rest.Cursor, null, default);

        Assert.Equal(["c-0", "c-1"], first.Items.Select(i => i.ChangeId));
        Assert.True(first.More);
        Assert.Equal(["c-2", "c-3"], second.Items.Select(i => i.ChangeId));
        Assert.Equal(["c-4"], rest.Items.Select(i => i.ChangeId));
        Assert.False(rest.More);
        Assert.Equal(["c-2", "c-3", "c-4"], again.Items.Select(i => i.ChangeId));
        Assert.Empty(end.Items);
        Assert.Equal(rest.Cursor, end.Cursor);
        var tampered = first.Cursor![..^2] + (first.Cursor[^2] == 'A' ? 'B' : 'A') + first.Cursor[^1];
        Assert.Equal("after", (await Assert.ThrowsAsync<InvalidRequestException>(() => feed.ReadAsync(tampered, null, default))).Parameter);
        Assert.Equal("pageSize", (await Assert.ThrowsAsync<InvalidRequestException>(() => feed.ReadAsync(null, "1001", default))).Parameter);
    }

    [Fact]
    public async Task ACursorKeptForWeeks_StillReads_AndOneSignedWithThePreviousKeyAfterARotation()
    {
        await log.AppendAsync("ind-1", [IndividualChange.Create("c-1", "ind-1", ChangeKind.DoNotEmail, new ChangeValue(DoNotEmail: true), At)], default);
        await log.AppendAsync("ind-2", [IndividualChange.Create("c-2", "ind-2", ChangeKind.DoNotEmail, new ChangeValue(DoNotEmail: true), At.AddSeconds(1))], default);
        var oldKey = Convert.ToBase64String(new byte[32]);
        var newKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        IConfiguration Keys(string key, string? previous = null) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PageTokenProtector.KeySetting] = key,
            [PageTokenProtector.PreviousKeySetting] = previous,
            [ChangeFeed.SettleSetting] = "0",
        }).Build();

        var first = await new ChangeFeed(log, Keys(oldKey), new FixedTimeProvider(At.AddMinutes(1))).ReadAsync(null, "1", default);
        var weeksLater = await new ChangeFeed(log, Keys(oldKey), new FixedTimeProvider(At.AddDays(45))).ReadAsync(first.Cursor, null, default);
        var afterRotation = await new ChangeFeed(log, Keys(newKey, previous: oldKey), new FixedTimeProvider(At.AddDays(46))).ReadAsync(first.Cursor, null, default);

        Assert.Equal(["c-1"], first.Items.Select(i => i.ChangeId));
        Assert.Equal(["c-2"], weeksLater.Items.Select(i => i.ChangeId));
        Assert.Equal(["c-2"], afterRotation.Items.Select(i => i.ChangeId));
        await Assert.ThrowsAsync<InvalidRequestException>(() =>
            new ChangeFeed(log, Keys(newKey), new FixedTimeProvider(At.AddDays(46))).ReadAsync(first.Cursor, null, default));
        await Assert.ThrowsAsync<InvalidRequestException>(() =>
            new ChangeFeed(log, Keys(oldKey), new FixedTimeProvider(At + ChangeFeed.CursorLifetime + TimeSpan.FromDays(1))).ReadAsync(first.Cursor, null, default));
    }

    [Fact]
    public async Task AChangeCommittedWithinTheSettleTime_IsNotServedYet()
    {
        await log.AppendAsync("ind-1", [IndividualChange.Create("c-1", "ind-1", ChangeKind.DoNotEmail, new ChangeValue(DoNotEmail: true), At)], default);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PageTokenProtector.KeySetting] = Convert.ToBase64String(new byte[32]),
        }).Build();

        Assert.Empty((await new ChangeFeed(log, configuration, new FixedTimeProvider(At.AddSeconds(2))).ReadAsync(null, null, default)).Items);
        Assert.Single((await new ChangeFeed(log, configuration, new FixedTimeProvider(At.AddSeconds(5))).ReadAsync(null, null, default)).Items);
    }

    private async Task SeedProfileAsync()
    {
        var store = Store();
        var snapshot = await store.ReadAsync("ind-1", [ProfileDocument.DocumentId], default);
        var profile = ProfileDocument.New("ind-1");
        profile.ApplyAms(new AmsIndividual("a@example.org"), At, EffectRules.None);
        await store.SaveAsync("ind-1", [profile], snapshot, default);
        Assert.Empty(log.Changes);
    }

    /// <summary>As the applier does: read what the events touch, fold, save.</summary>
    private async Task ApplyAsync(EmailIntegration.Domain.Events.TrackingEvent trackingEvent, EffectRules? rules = null)
    {
        var store = Store();
        var ids = IndividualProjection.DocumentIdsTouchedBy([trackingEvent], rules).Append(ProfileDocument.DocumentId).Distinct().ToList();
        var snapshot = await store.ReadAsync(trackingEvent.IndividualId!, ids, default);
        var result = IndividualProjection.Apply(trackingEvent.IndividualId!, snapshot.Documents.ToDictionary(), [trackingEvent], rules);
        await store.SaveAsync(trackingEvent.IndividualId!, result.Changed, snapshot, default);
    }

    /// <summary>Reads a scored row, lets it follow its link's classified clicks, and saves it (also when nothing changed).</summary>
    private async Task FollowAsync(string id, LinkActivity activity)
    {
        var store = Store();
        var snapshot = await store.ReadAsync("ind-1", [id], default);
        var document = snapshot.Documents[id];
        ((IFollowsLinkActivity)document).Follow(activity);
        await store.SaveAsync("ind-1", [document], snapshot, default);
    }

    private static ProfileDocument Profile()
    {
        var profile = ProfileDocument.New("ind-1");
        profile.KnownToAms = true;
        return profile;
    }

    private static ProfileDocument WithPreference(ProfileDocument profile, string type, bool optedOut)
    {
        var copy = Profile();
        copy.EmailValid = profile.EmailValid;
        copy.EmailInvalidReason = profile.EmailInvalidReason;
        copy.DoNotEmail = profile.DoNotEmail;
        copy.CommunicationPreferences.Add(new CommunicationPreference(type, optedOut, At, PreferenceSource.Ams));
        return copy;
    }
}
