using System.Text.Json;
using EmailIntegration.Pipeline.Erasure;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EmailIntegration.UnitTests.Erasure;

public sealed class IndividualErasureTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly FixedTimeProvider time = new(T0);
    private readonly InMemoryErasureLedger ledger = new();
    private readonly RecordingChanges changes = new();

    /// <summary>A store holding items per individual: erasing removes and counts them, as each adapter does.</summary>
    private sealed class FakeStore(string name, InMemoryErasureLedger ledger) : IIndividualDataEraser
    {
        public Dictionary<string, int> Items { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether the tombstone was already saved when this store was asked to erase.</summary>
        public List<bool> TombstonedFirst { get; } = [];

        public Task<IReadOnlyDictionary<string, int>> EraseAsync(string individualId, CancellationToken cancellationToken)
        {
            TombstonedFirst.Add(ledger.Records.ContainsKey(ErasureKey.Of(individualId)));
            var count = Items.Remove(individualId, out var held) ? held : 0;
            return Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int> { [name] = count });
        }
    }

    private sealed class RecordingChanges : IErasureChangeRecorder
    {
        public List<(string ErasureId, DateTimeOffset At)> Recorded { get; } = [];

        public Task RecordAsync(string erasureId, DateTimeOffset erasedAt, CancellationToken cancellationToken)
        {
            Recorded.Add((erasureId, erasedAt));
            return Task.CompletedTask;
        }
    }

    private IndividualErasure Create(params IIndividualDataEraser[] stores) =>
        new(ledger, stores, changes, time, NullLogger<IndividualErasure>.Instance);

    private (FakeStore Cosmos, FakeStore Tables) Stores()
    {
        var cosmos = new FakeStore("cosmosDocuments", ledger);
        var tables = new FakeStore("vendorDirectoryRows", ledger);
        cosmos.Items["IND-1"] = 7;
        cosmos.Items["IND-2"] = 4;
        tables.Items["IND-1"] = 2;
        return (cosmos, tables);
    }

    [Fact]
    public async Task Erasing_TombstonesFirst_ThenEveryStoreErases_AndTheCountsAreKeptPerStore()
    {
        var (cosmos, tables) = Stores();

        var record = await Create(cosmos, tables).EraseAsync("IND-1", CancellationToken.None);

        Assert.Equal(ErasureKey.Of("IND-1"), record.ErasureId);
        Assert.Equal(ErasureStatus.Completed, record.Status);
        Assert.Equal(new Dictionary<string, int> { ["cosmosDocuments"] = 7, ["vendorDirectoryRows"] = 2 }, record.Removed);
        Assert.Equal(9, record.Total);
        Assert.Equal(1, record.Passes);
        Assert.Equal([true], cosmos.TombstonedFirst);
        Assert.Equal([true], tables.TombstonedFirst);
        Assert.Equal(ErasureStatus.Erasing, ledger.Saved[0].Status);
        Assert.Equal(record, ledger.Records[record.ErasureId]);
        Assert.Equal(4, cosmos.Items["IND-2"]); // nobody else's data
    }

    [Fact]
    public async Task ErasingTwice_IsTheSameErasure_WithTheSameCounts_AndTheSameChange()
    {
        var (cosmos, tables) = Stores();
        var erasure = Create(cosmos, tables);

        var first = await erasure.EraseAsync("IND-1", CancellationToken.None);
        time.Now = T0.AddHours(1);
        var second = await erasure.EraseAsync("IND-1", CancellationToken.None);

        Assert.Equal(first.ErasureId, second.ErasureId);
        Assert.Equal(first.Removed, second.Removed);
        Assert.Equal(first.RequestedAt, second.RequestedAt);
        Assert.Equal(2, second.Passes);
        Assert.Equal([(first.ErasureId, T0), (first.ErasureId, T0)], changes.Recorded);
    }

    [Fact]
    public async Task WhatSlippedInBetweenTwoErasures_IsErasedAndAddedToTheCounts()
    {
        var (cosmos, tables) = Stores();
        var erasure = Create(cosmos, tables);
        await erasure.EraseAsync("IND-1", CancellationToken.None);
        cosmos.Items["IND-1"] = 1;

        var second = await erasure.EraseAsync("IND-1", CancellationToken.None);

        Assert.Equal(8, second.Removed["cosmosDocuments"]);
        Assert.DoesNotContain("IND-1", cosmos.Items.Keys);
    }

    [Fact]
    public async Task AnUnknownId_IsErasedWithZeroCounts_AndStillTombstoned()
    {
        var (cosmos, tables) = Stores();

        var record = await Create(cosmos, tables).EraseAsync("NEVER-SEEN", CancellationToken.None);

        Assert.All(record.Removed.Values, count => Assert.Equal(0, count));
        Assert.Equal(2, record.Removed.Count);
        Assert.True((await ledger.ReadTombstonesAsync(TimeSpan.Zero, CancellationToken.None)).Contains("NEVER-SEEN"));
    }

    [Theory]
    [InlineData("IND-1\n")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("IND 1")]
    public async Task AnIdOutsideTheRule_IsRefused_AndNothingIsErased(string id)
    {
        var (cosmos, tables) = Stores();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => Create(cosmos, tables).EraseAsync(id, CancellationToken.None));

        Assert.Equal("individualId", ex.Parameter);
        Assert.Empty(ledger.Saved);
        Assert.Empty(cosmos.TombstonedFirst);
    }

    [Fact]
    public async Task NeitherTheRecordNorTheChange_HoldsTheIdInClear()
    {
        var (cosmos, tables) = Stores();

        var record = await Create(cosmos, tables).EraseAsync("IND-1", CancellationToken.None);

        Assert.DoesNotContain("IND-1", JsonSerializer.Serialize(ledger.Saved), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("IND-1", JsonSerializer.Serialize(changes.Recorded), StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"\Aer-[0-9a-f]{32}\z", record.ErasureId);
    }

    [Fact]
    public async Task GettingAnErasure_ReadsItsRecord_NullWhenUnknown_AndRefusesAMalformedId()
    {
        var (cosmos, tables) = Stores();
        var erasure = Create(cosmos, tables);
        var record = await erasure.EraseAsync("IND-1", CancellationToken.None);

        Assert.Equal(record, await erasure.GetAsync(record.ErasureId, CancellationToken.None));
        Assert.Null(await erasure.GetAsync(ErasureKey.Of("IND-2"), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidRequestException>(() => erasure.GetAsync("IND-1", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidRequestException>(() => erasure.GetAsync(record.ErasureId + "\n", CancellationToken.None));
    }
}

public sealed class ErasureKeyTests
{
    [Fact]
    public void TheKey_IsDeterministic_CaseSensitive_AndOfTheErasureIdForm()
    {
        Assert.Equal(ErasureKey.Of("IND-1"), ErasureKey.Of("IND-1"));
        Assert.NotEqual(ErasureKey.Of("IND-1"), ErasureKey.Of("ind-1"));
        Assert.True(ErasureKey.IsErasureId(ErasureKey.Of("IND-1")));
        Assert.False(ErasureKey.IsErasureId("er-" + new string('A', 32)));
        Assert.False(ErasureKey.IsErasureId(ErasureKey.Of("IND-1") + "\n"));
    }

    [Fact]
    public void TheKey_IsTheDocumentedHash()
    {
        // SHA-256 of "individual\nIND-1", first 16 bytes in lower-case hex.
        var expected = "er-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("individual\nIND-1"u8))[..32];

        Assert.Equal(expected, ErasureKey.Of("IND-1"));
    }

    [Fact]
    public void TheTombstoneSet_MatchesOnlyTheErasedIds()
    {
        var set = new ErasedIndividuals([ErasureKey.Of("IND-1")]);

        Assert.True(set.Contains("IND-1"));
        Assert.False(set.Contains("IND-2"));
        Assert.False(set.Contains("ind-1"));
        Assert.False(ErasedIndividuals.None.Contains("IND-1"));
    }
}
