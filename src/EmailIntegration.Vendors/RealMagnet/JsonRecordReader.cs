using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using EmailIntegration.Pipeline.FanOut;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Turns one element of the records array into a <typeparamref name="T"/> straight from the reader (no
/// <see cref="JsonElement"/>): the reader is on the element's first token; read the whole element or return false when the
/// buffer ends inside it (the caller then rewinds and calls again with more data). Must not throw for a bad record: carry it
/// in the result. A <see cref="JsonException"/> (malformed JSON) makes the file unreadable.
/// </summary>
internal interface IJsonRecordFactory<T>
{
    bool TryRead(ref Utf8JsonReader reader, int index, IReadOnlyDictionary<string, JsonElement> header, out T record);
}

/// <summary>
/// Streams the records of a JSON file without loading it whole: either a bare root array
/// (<c>[{...},{...}]</c>) or, when <c>recordsProperty</c> is given, also a root object holding the records in that
/// property (<c>{"TotalRecords":n,"Records":[...]}</c>). Each record is read by an <see cref="IJsonRecordFactory{T}"/>
/// from a <see cref="Utf8JsonReader"/> over a growing buffer, once the whole record is in it.
/// A syntax error or a file that ends early throws <see cref="UnreadableFileException"/> naming the last good record
/// and the line/byte position; records yielded before it stand.
/// </summary>
internal static class JsonRecordReader
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>The records, each made by <paramref name="factory"/> while its bytes are in the buffer.</summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        Stream stream, string? recordsProperty, IJsonRecordFactory<T> factory, [EnumeratorCancellation] CancellationToken cancellationToken,
        bool recordsOptional = false)
    {
        var state = new ParseState(recordsProperty) { RecordsOptional = recordsOptional };
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var length = 0;
        var isFinalBlock = false;
        var output = new List<T>();
        try
        {
            while (true)
            {
                if (!isFinalBlock)
                {
                    if (length == buffer.Length)
                    {
                        // One record (or token) is bigger than the buffer: grow it.
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                    if (read == 0)
                    {
                        isFinalBlock = true;
                    }

                    length += read;
                }

                int consumed;
                UnreadableFileException? failure = null;
                try
                {
                    consumed = Step(buffer.AsSpan(0, length), isFinalBlock, state, factory, output);
                }
                catch (JsonException ex)
                {
                    consumed = 0;
                    failure = new UnreadableFileException(
                        $"The JSON is not readable after {state.RecordIndex} records, "
                        + $"at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1} of that line: {ex.Message}", ex);
                }
                catch (UnreadableFileException ex)
                {
                    consumed = 0;
                    failure = ex;
                }

                // The records read before the error still count: yield them, then fail.
                foreach (var record in output)
                {
                    yield return record;
                }

                if (failure is not null)
                {
                    throw failure;
                }

                output.Clear();
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;

                if (state.Phase == Phase.Done)
                {
                    yield break;
                }

                if (isFinalBlock)
                {
                    throw new UnreadableFileException(
                        $"The JSON ended before its records array was closed, after {state.RecordIndex} records.");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private enum Phase
    {
        Start,
        InWrapper,
        InRecords,
        AfterRoot,
        Done,
    }

    private sealed class ParseState(string? recordsProperty)
    {
        public string? RecordsProperty { get; } = recordsProperty;

        public Phase Phase { get; set; } = Phase.Start;

        public bool Wrapped { get; set; }

        public bool SawRecords { get; set; }

        /// <summary>A wrapper without the records property has no records (the WSDL's minOccurs="0"), rather than being unreadable.</summary>
        public bool RecordsOptional { get; init; }

        public JsonReaderState ReaderState { get; set; }

        public int RecordIndex { get; set; }

        public Dictionary<string, JsonElement> Header { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Reads as far as the buffer allows; returns the bytes consumed (whole tokens/records only).</summary>
    private static int Step<T>(ReadOnlySpan<byte> data, bool isFinalBlock, ParseState state, IJsonRecordFactory<T> factory, List<T> output)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, state.ReaderState);
        while (state.Phase != Phase.Done)
        {
            var save = reader;
            if (!reader.Read())
            {
                reader = save;
                if (isFinalBlock && state.Phase == Phase.AfterRoot)
                {
                    state.Phase = Phase.Done;
                }

                break;
            }

            switch (state.Phase)
            {
                case Phase.Start when reader.TokenType == JsonTokenType.StartArray:
                    state.Phase = Phase.InRecords;
                    break;
                case Phase.Start when reader.TokenType == JsonTokenType.StartObject && state.RecordsProperty is not null:
                    state.Phase = Phase.InWrapper;
                    state.Wrapped = true;
                    break;
                case Phase.Start:
                    throw new UnreadableFileException(state.RecordsProperty is null
                        ? $"Expected a JSON array of records, found {reader.TokenType}."
                        : $"Expected a JSON array of records or an object with \"{state.RecordsProperty}\", found {reader.TokenType}.");

                case Phase.InWrapper when reader.TokenType == JsonTokenType.EndObject:
                    if (!state.SawRecords && !state.RecordsOptional)
                    {
                        throw new UnreadableFileException($"The JSON object has no \"{state.RecordsProperty}\" array.");
                    }

                    state.Phase = Phase.AfterRoot;
                    break;
                case Phase.InWrapper:
                {
                    var name = reader.GetString()!;
                    if (string.Equals(name, state.RecordsProperty, StringComparison.OrdinalIgnoreCase))
                    {
                        if (!reader.Read())
                        {
                            reader = save;
                            goto NeedMore;
                        }

                        state.SawRecords = true;
                        if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            state.Phase = Phase.InRecords;
                        }
                        else if (reader.TokenType != JsonTokenType.Null)
                        {
                            throw new UnreadableFileException($"\"{state.RecordsProperty}\" is {reader.TokenType}, not an array.");
                        }
                    }
                    else
                    {
                        if (!reader.Read() || !JsonElement.TryParseValue(ref reader, out var value))
                        {
                            reader = save;
                            goto NeedMore;
                        }

                        // Wrapper properties before the records (e.g. a message id) are offered to each record.
                        state.Header[name] = value.Value;
                    }

                    break;
                }

                case Phase.InRecords when reader.TokenType == JsonTokenType.EndArray:
                    state.Phase = state.Wrapped ? Phase.InWrapper : Phase.AfterRoot;
                    break;
                case Phase.InRecords:
                    if (!factory.TryRead(ref reader, state.RecordIndex, state.Header, out var record))
                    {
                        reader = save;
                        goto NeedMore;
                    }

                    state.RecordIndex++;
                    output.Add(record);
                    break;

                case Phase.AfterRoot:
                    // Utf8JsonReader itself rejects a second root value; reaching here means a reader quirk.
                    throw new UnreadableFileException("Unexpected data after the records.");
            }
        }

        NeedMore:
        state.ReaderState = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }
}
