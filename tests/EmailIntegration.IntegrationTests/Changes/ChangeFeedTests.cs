using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmailIntegration.Azure.Store;
using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Documents;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Changes;

/// <summary>
/// The AMS change feed on the emulators: a night's import read back through GET /api/changes is exactly what the import
/// changed (rows created, profile flags and preferences), a replay of the night adds nothing, and an older cursor reads
/// the same changes with the same ids.
/// </summary>
public sealed class ChangeFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 7, today: DateTimeOffset.UtcNow, individuals: 40, mailings: 3));
        pipeline = await IsolatedPipeline.StartAsync(sandbox.Url.ToString(), new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:UserName"] = sandbox.UserName,
            ["Vendors:RealMagnet:Password"] = sandbox.Password,
            ["Changes:SettleSeconds"] = ((int)Settle.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        sandbox.Dispose();
    }

    [Fact]
    public async Task ANightsImport_IsExactlyWhatTheFeedReports_AndAReplayAddsNothing()
    {
        // The AMS knows most individuals (so hard bounces count toward an invalid address); one has opted out of Events.
        var known = sandbox.Data.IndividualIds.Distinct().Take(30).ToList();
        foreach (var id in known)
        {
            var email = sandbox.Data.Individuals.First(i => i.IndividualId == id).Email;
            using var put = await pipeline.Http.PutAsJsonAsync($"/api/individuals/{id}", new
            {
                email,
                communicationPreferences = id == known[0] ? new[] { new { mailingType = "Events", optedOut = true, changedAt = "2026-11-01T00:00:00Z" } } : null,
            });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var (beforeImport, cursorBeforeImport) = await ReadToEndAsync(null, pageSize: 1000);
        var amsOptOut = Assert.Single(beforeImport);
        Assert.Equal((known[0], "communicationPreference", "Events", true),
            (amsOptOut.IndividualId, amsOptOut.Kind, amsOptOut.Value.GetProperty("mailingType").GetString(), amsOptOut.Value.GetProperty("optedOut").GetBoolean()));
        var profilesBefore = (await StoredAsync<ProfileDocument>(DocumentTypes.Profile)).ToDictionary(p => p.IndividualId, ProfileState.Of);

        var runId = await pipeline.RunNightAsync();
        var (changes, cursorAfterImport) = await ReadToEndAsync(cursorBeforeImport, pageSize: 7);

        Assert.Equal(changes.Count, changes.Select(c => c.ChangeId).Distinct().Count());
        Assert.All(changes, c => Assert.Equal(TimeSpan.Zero, c.ChangedAt.Offset));
        foreach (var individual in changes.GroupBy(c => c.IndividualId))
        {
            Assert.Equal(individual.OrderBy(c => c.ChangedAt).Select(c => c.ChangeId), individual.Select(c => c.ChangeId));
        }

        // Rows: one change per Customer Action, interest activity and bounce the import created, and nothing else.
        var rows = (await StoredAsync<IndividualDocument>(DocumentTypes.CustomerAction))
            .Concat(await StoredAsync<IndividualDocument>(DocumentTypes.InterestActivity))
            .Concat(await StoredAsync<IndividualDocument>(DocumentTypes.Bounce))
            .Select(d => (d.IndividualId, Kind: Kind(d), d.Id)).Order().ToList();
        var rowChanges = changes.Where(c => c.Value.TryGetProperty("documentId", out _))
            .Select(c => (c.IndividualId, c.Kind, c.Value.GetProperty("documentId").GetString()!)).Order().ToList();
        Assert.Contains(rows, r => r.Kind == "bounce");
        Assert.Equal(rows, rowChanges);

        // Profiles: the feed's last value of each flag and preference is the profile's, for exactly what the import changed.
        var profilesAfter = await StoredAsync<ProfileDocument>(DocumentTypes.Profile);
        var expected = profilesAfter
            .SelectMany(p => IndividualChanges.Between(profilesBefore.GetValueOrDefault(p.IndividualId) ?? ProfileState.None, p)
                .Select(c => (Key: (p.IndividualId, Kind: Camel(c.Kind), c.Value.MailingType), c.Value)))
            .ToDictionary(c => c.Key, c => c.Value);
        var reported = changes.Where(c => !c.Value.TryGetProperty("documentId", out _))
            .GroupBy(c => (c.IndividualId, c.Kind, c.Value.TryGetProperty("mailingType", out var type) ? type.GetString() : null))
            .ToDictionary(g => g.Key, g => g.Last().Value);
        Assert.Equal(expected.Keys.Order(), reported.Keys.Order());
        foreach (var (key, value) in expected)
        {
            var last = reported[key];
            Assert.Equal(value.EmailValid, last.TryGetProperty("emailValid", out var valid) ? valid.GetBoolean() : null);
            Assert.Equal(value.DoNotEmail, last.TryGetProperty("doNotEmail", out var dne) ? dne.GetBoolean() : null);
            Assert.Equal(value.OptedOut, last.TryGetProperty("optedOut", out var optedOut) ? optedOut.GetBoolean() : null);
        }

        Assert.All(profilesAfter, p => Assert.Empty(p.PendingChanges));

        // A replay of the night changes nothing, so the feed has nothing new; an older cursor reads the same changes again.
        await pipeline.ReplayAsync(runId);
        var (afterReplay, _) = await ReadToEndAsync(cursorAfterImport, pageSize: 1000);
        Assert.Empty(afterReplay);
        var (again, _) = await ReadToEndAsync(cursorBeforeImport, pageSize: 1000);
        Assert.Equal(changes.Select(c => c.ChangeId), again.Select(c => c.ChangeId));
    }

    [Fact]
    public async Task ATamperedCursor_OrAPageSizeOutOfRange_IsA400Problem()
    {
        using var put = await pipeline.Http.PutAsJsonAsync($"/api/individuals/IND-T1", new
        {
            email = "t1@example.org",
            doNotEmail = true,
        });
        var (items, cursor) = await ReadToEndAsync(null, pageSize: 10);
        Assert.Equal("doNotEmail", Assert.Single(items).Kind);

        var tampered = cursor![..^3] + (cursor[^3] == 'A' ? 'B' : 'A') + cursor[^2..];
        foreach (var query in new[] { $"after={tampered}", "after=not-a-cursor", "pageSize=0", "pageSize=1001" })
        {
            using var response = await pipeline.GetAsync("/api/changes?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private sealed record Change(string ChangeId, string IndividualId, string Kind, JsonElement Value, DateTimeOffset ChangedAt);

    private async Task<(List<Change> Items, string? Cursor)> ReadToEndAsync(string? cursor, int pageSize)
    {
        await Task.Delay(Settle + TimeSpan.FromSeconds(1.1));
        var items = new List<Change>();
        for (var pages = 0; pages < 10_000; pages++)
        {
            using var response = await pipeline.GetAsync($"/api/changes?pageSize={pageSize}" + (cursor is null ? "" : "&after=" + Uri.EscapeDataString(cursor)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = page.RootElement;
            var batch = root.GetProperty("items").EnumerateArray().Select(i => new Change(
                i.GetProperty("changeId").GetString()!, i.GetProperty("individualId").GetString()!, i.GetProperty("kind").GetString()!,
                i.GetProperty("value").Clone(), i.GetProperty("changedAt").GetDateTimeOffset())).ToList();
            Assert.True(batch.Count <= pageSize);
            items.AddRange(batch);
            cursor = root.GetProperty("cursor").GetString() ?? cursor;
            if (!root.GetProperty("more").GetBoolean())
            {
                return (items, cursor);
            }
        }

        throw new InvalidOperationException("The feed never ended.");
    }

    private async Task<List<T>> StoredAsync<T>(string type)
        where T : IndividualDocument
    {
        var container = pipeline.Services.GetRequiredService<Container>();
        var result = new List<T>();
        // Rows are stored in their mailing's fold (MailingFold): read the folds and take the rows of the type.
        var folded = MailingFold.RowTypes.Contains(type);
        using var iterator = container.GetItemQueryStreamIterator(new QueryDefinition("SELECT * FROM c WHERE c.type = @type")
            .WithParameter("@type", folded ? MailingFold.StoredType : type));
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync();
            Assert.True(response.IsSuccessStatusCode);
            using var json = await JsonDocument.ParseAsync(response.Content);
            result.AddRange(json.RootElement.GetProperty("Documents").EnumerateArray().SelectMany(e => folded
                ? MailingFoldJson.RowsOf(e, row => row.GetProperty("type").ValueEquals(type))
                : [e.Deserialize<IndividualDocument>(DocumentJson.Options)!]).Cast<T>());
        }

        return result;
    }

    private static string Kind(IndividualDocument document) => document switch
    {
        CustomerActionDocument => "customerActionCreated",
        InterestActivityDocument => "interestActivityCreated",
        _ => "bounce",
    };

    private static string Camel(ChangeKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());
}
