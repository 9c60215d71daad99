using System.Text.Json;
using EmailIntegration.Domain.Changes;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Changes;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Changes;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.AmsWebhook;

/// <summary>The push over the change feed: order, cursor, parking, resend; with the log, the store and the AMS in memory.</summary>
public sealed class AmsChangePushTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private readonly InMemoryChangeLog log = new();
    private readonly InMemoryDeliveryStore store = new();
    private readonly ScriptedSender sender = new();
    private readonly AmsWebhookOptions options = new()
    {
        WebhookUrl = "https://ams.example.org/hooks/changes", WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", BatchSize = 2,
    };

    private AmsChangePush Push() => new(
        new ChangeFeed(log, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PageTokenProtector.KeySetting] = Convert.ToBase64String(new byte[32]),
            [ChangeFeed.SettleSetting] = "0",
        }).Build(), new FixedTimeProvider(At.AddHours(1))),
        store, sender, Options.Create(options), NullLogger<AmsChangePush>.Instance);

    private async Task<List<string>> AppendAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var change = IndividualChange.Create($"c-{log.Changes.Count:D4}", "IND-1", ChangeKind.DoNotEmail, new ChangeValue(DoNotEmail: i % 2 == 0),
                At.AddSeconds(log.Changes.Count));
            await log.AppendAsync("IND-1", [change], default);
            ids.Add(change.ChangeId);
        }

        return ids;
    }

    [Fact]
    public async Task WithoutAUrl_NothingIsReadOrSent()
    {
        options.WebhookUrl = null;
        await AppendAsync(3);

        var result = await Push().PushAsync(default);

        Assert.False(result.Enabled);
        Assert.Empty(sender.Sent);
        Assert.Null(store.Cursor.Position);
    }

    [Fact]
    public async Task Batches_AreSentInOrder_AsChangesPages_AndTheCursorMovesPastEach()
    {
        var ids = await AppendAsync(5);

        var result = await Push().PushAsync(default);

        Assert.Equal((true, 3, 0, 5), (result.Enabled, result.Delivered, result.Parked, result.Changes));
        Assert.Equal(ids, sender.Sent.SelectMany(s => ChangeIdsOf(s.Body)));
        Assert.All(sender.Sent, s => Assert.Equal(AmsDeliveryRules.DeliveryIdOf(ChangeIdsOf(s.Body)), s.DeliveryId));
        using (var page = JsonDocument.Parse(sender.Sent[0].Body))
        {
            Assert.Equal(["items", "cursor", "more"], page.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.True(page.RootElement.GetProperty("more").GetBoolean());
            Assert.Equal("doNotEmail", page.RootElement.GetProperty("items")[0].GetProperty("kind").GetString());
        }

        Assert.Equal(log.Changes[^1].SortKey, store.Cursor.Position!.SortKey);
        Assert.Empty(store.Parked);

        // Nothing new: nothing sent. New changes: only they.
        await Push().PushAsync(default);
        Assert.Equal(3, sender.Sent.Count);
        var more = await AppendAsync(1);
        await Push().PushAsync(default);
        Assert.Equal(more, ChangeIdsOf(sender.Sent[^1].Body));
    }

    [Fact]
    public async Task WhenSendingFails_OrTheParkCannotBeWritten_TheCursorStays()
    {
        await AppendAsync(3);
        sender.Throw = new IOException("network gone mid-run");

        await Assert.ThrowsAsync<IOException>(() => Push().PushAsync(default));
        Assert.Null(store.Cursor.Position);

        sender.Throw = null;
        sender.Answers.Enqueue(new DeliveryAttempts(400, 1, At, At));
        store.FailSaves = true;
        await Assert.ThrowsAsync<IOException>(() => Push().PushAsync(default));
        Assert.Null(store.Cursor.Position);
        Assert.Empty(store.Parked);
    }

    [Fact]
    public async Task ARefusedBatch_IsParkedAtOnce_AndTheRunGoesOn()
    {
        var ids = await AppendAsync(4);
        sender.Answers.Enqueue(new DeliveryAttempts(400, 1, At, At));

        var result = await Push().PushAsync(default);

        Assert.Equal((1, 1), (result.Delivered, result.Parked));
        var parked = Assert.Single(store.Parked.Values);
        Assert.Equal((ParkedState.Parked, 400, 1, 2, "refused: HTTP 400 after 1 attempt(s)"),
            (parked.State, parked.Status, parked.Attempts, parked.Count, parked.Reason));
        Assert.Equal(AmsDeliveryRules.DeliveryIdOf(ids[..2]), parked.DeliveryId);
        Assert.Equal(log.Changes[^1].SortKey, store.Cursor.Position!.SortKey);
    }

    [Fact]
    public async Task ABatchTheAmsDidNotTakeWithinTheBudget_IsParkedWithItsAttempts_AndEndsTheRun()
    {
        await AppendAsync(4);
        sender.Answers.Enqueue(new DeliveryAttempts(503, 6, At, At.AddMinutes(2)));

        var result = await Push().PushAsync(default);

        Assert.Equal((0, 1), (result.Delivered, result.Parked));
        Assert.Single(sender.Sent);
        var parked = Assert.Single(store.Parked.Values);
        Assert.Equal((503, 6, At, At.AddMinutes(2)), (parked.Status, parked.Attempts, parked.FirstAttemptAt, parked.LastAttemptAt));
        Assert.Equal(log.Changes[1].SortKey, store.Cursor.Position!.SortKey);

        // The next run goes on after the parked batch.
        await Push().PushAsync(default);
        Assert.Equal(log.Changes.Skip(2).Select(c => c.ChangeId), ChangeIdsOf(sender.Sent[^1].Body));
    }

    [Fact]
    public async Task AResend_SendsTheSameIdAndChanges_Once()
    {
        await AppendAsync(4);
        sender.Answers.Enqueue(new DeliveryAttempts(null, 6, At, At.AddMinutes(3), "transport error ConnectionError"));
        await Push().PushAsync(default);
        var original = sender.Sent[0];

        sender.Answers.Enqueue(new DeliveryAttempts(500, 2, At.AddHours(1), At.AddHours(1)));
        var stillDown = await Push().ResendAsync(original.DeliveryId, default);
        Assert.Equal((true, ParkedState.Parked, 8, 500), (stillDown!.Sent, stillDown.Delivery.State, stillDown.Delivery.Attempts, stillDown.Delivery.Status));

        var resent = await Push().ResendAsync(original.DeliveryId, default);
        var again = await Push().ResendAsync(original.DeliveryId, default);

        Assert.Equal((true, ParkedState.Delivered), (resent!.Sent, resent.Delivery.State));
        Assert.Equal((false, ParkedState.Delivered), (again!.Sent, again.Delivery.State));
        var resends = sender.Sent.Where(s => s.DeliveryId == original.DeliveryId).ToList();
        Assert.Equal(3, resends.Count);
        Assert.All(resends, s => Assert.Equal(ChangeIdsOf(original.Body), ChangeIdsOf(s.Body)));
        Assert.Empty(await Push().ListParkedAsync(default));
    }

    [Fact]
    public async Task AResend_OfAnUnknownId_IsNull_AndOfAMalformedOne_IsABadRequest()
    {
        Assert.Null(await Push().ResendAsync("msg_0123456789abcdef0123456789abcdef", default));
        await Assert.ThrowsAsync<InvalidRequestException>(() => Push().ResendAsync("msg_<script>", default));
    }

    private static List<string> ChangeIdsOf(string body)
    {
        using var page = JsonDocument.Parse(body);
        return page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("changeId").GetString()!).ToList();
    }

    private sealed class ScriptedSender : IAmsWebhookSender
    {
        public Queue<DeliveryAttempts> Answers { get; } = new();

        public List<(string DeliveryId, string Body)> Sent { get; } = [];

        public Exception? Throw { get; set; }

        public Task<DeliveryAttempts> SendAsync(string deliveryId, string body, CancellationToken cancellationToken)
        {
            if (Throw is not null)
            {
                throw Throw;
            }

            Sent.Add((deliveryId, body));
            return Task.FromResult(Answers.TryDequeue(out var answer) ? answer : new DeliveryAttempts(204, 1, At, At));
        }
    }

    private sealed class InMemoryDeliveryStore : IAmsDeliveryStore
    {
        private int versions;

        public PushCursor Cursor { get; private set; } = PushCursor.Start;

        public Dictionary<string, ParkedDelivery> Parked { get; } = [];

        public bool FailSaves { get; set; }

        public Task<PushCursor> ReadCursorAsync(CancellationToken cancellationToken) => Task.FromResult(Cursor);

        public Task<PushCursor> MoveCursorAsync(ChangePosition position, PushCursor expected, CancellationToken cancellationToken) =>
            expected.Version != Cursor.Version
                ? throw new ConcurrencyConflictException("cursor")
                : Task.FromResult(Cursor = new PushCursor(position, $"v{++versions}"));

        public Task SaveAsync(ParkedDelivery delivery, CancellationToken cancellationToken)
        {
            if (FailSaves)
            {
                throw new IOException("table unreachable");
            }

            Parked[delivery.DeliveryId] = delivery;
            return Task.CompletedTask;
        }

        public Task<ParkedDelivery?> GetAsync(string deliveryId, CancellationToken cancellationToken) => Task.FromResult(Parked.GetValueOrDefault(deliveryId));

        public Task<IReadOnlyList<ParkedDelivery>> ListParkedAsync(int max, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ParkedDelivery>>(Parked.Values.Where(p => p.State == ParkedState.Parked).Take(max).ToList());
    }
}
