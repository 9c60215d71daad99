using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Adapters;

public sealed class ConcurrentApplyTests : IAsyncLifetime
{
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task ParallelHandlersOnFewIndividuals_LoseNoUpdate()
    {
        const int individuals = 4, messagesEach = 40, handlers = 8;
        var applier = pipeline.Services.GetRequiredService<IndividualTrackingApplier>();
        var messages = Enumerable.Range(0, individuals).SelectMany(i => Enumerable.Range(0, messagesEach).Select(m =>
        {
            var individualId = $"IND-C{i}";
            var open = CosmosIndividualStoreTests.Event(individualId, "m1", TrackingEventKind.Opened,
                CosmosIndividualStoreTests.At(1).AddMinutes(m));
            var body = JsonSerializer.SerializeToUtf8Bytes(new TrackingMessage(individualId, "test", m, [open]), TrackingMessage.Json);
            return (Id: $"{i}-{m}", Body: body);
        })).ToList();

        // Every message twice, in parallel: the redeliveries must change nothing.
        await Parallel.ForEachAsync(messages.Concat(messages), new ParallelOptions { MaxDegreeOfParallelism = handlers },
            async (message, ct) => await applier.ApplyAsync(message.Id, message.Body, ct));

        var store = pipeline.Services.GetRequiredService<IIndividualDocumentStore>();
        for (var i = 0; i < individuals; i++)
        {
            var id = DocumentKeys.Tracking("realmagnet", "m1");
            var snapshot = await store.ReadAsync($"IND-C{i}", [id], default);
            var row = Assert.IsType<MailingTrackingDocument>(snapshot.Documents[id]);
            Assert.Equal(messagesEach, row.OpenCount);
            Assert.Equal(CosmosIndividualStoreTests.At(1), row.OpenedAt);
        }
    }
}
