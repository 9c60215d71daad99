using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// The framing every PostInformzMessage payload travels in, both ways: the inner XML (the <c>&lt;Grid&gt;</c> nodes of a
/// GridRequest's <c>&lt;Grids&gt;</c>, the action nodes of an ActionRequest's <c>&lt;Actions&gt;</c>, and the same nodes of the
/// answers) is UTF-8, gzip-compressed, prefixed with the 4-byte length of the original (little-endian), and base64-encoded; the
/// credentials around it stay plain.
/// </summary>
/// <remarks>
/// <para>Source: Higher Logic "Making the Call" https://support.higherlogic.com/hc/en-us/articles/360044600992-Making-the-Call
/// (also http://informz.knowledgeowl.com/help/making-the-call): the payload is "just the Grid node", 451 characters long in the
/// example, "a 4-byte header containing the length of the original string (451) needs to prefix the message", and the result,
/// base64, starts <c>wwEAAB+LCAAA…</c> — <c>c3 01 00 00</c> is 451 little-endian, then the gzip magic <c>1f 8b 08</c>. Public
/// clients frame the same nodes and decode the answers' <c>&lt;Grids&gt;</c> / <c>&lt;Responses&gt;</c> text the same way
/// (Clam-/iMIS2Informz <c>Informz.py</c>; C# clients found by searching public code for <c>PostInformzMessage</c> with
/// <c>GZipStream</c>).</para>
/// <para>Reading is bounded: the declared length is capped, and the decompressed bytes must be exactly that many (a cut-off or
/// padded frame is unreadable, never half-read).</para>
/// </remarks>
public static class InformzFrame
{
    /// <summary>Largest original payload accepted (a 1,000-row page is a few hundred KB).</summary>
    public const int MaxPayloadBytes = 32 * 1024 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>base64(length(utf8) as 4 bytes little-endian ‖ gzip(utf8)).</summary>
    public static string Encode(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var original = Utf8.GetBytes(payload);
        using var buffer = new MemoryStream(original.Length / 3 + 64);
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, original.Length);
        buffer.Write(prefix);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(original);
        }

        return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The original payload of a frame.</summary>
    /// <exception cref="InformzFrameException">Not base64, too short, no gzip after the prefix, a length that is not the
    /// decompressed length, or not UTF-8.</exception>
    public static string Decode(string framed)
    {
        ArgumentNullException.ThrowIfNull(framed);
        var text = framed.Trim();
        if (text.Length == 0)
        {
            throw new InformzFrameException("the payload is empty, not a base64 frame");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InformzFrameException("the payload is not base64");
        }

        // 4-byte length, then at least a gzip header (10 bytes) and trailer (8 bytes).
        if (bytes.Length < 4 + 18)
        {
            throw new InformzFrameException($"the frame has {bytes.Length} bytes, too few for a length prefix and a gzip stream");
        }

        var declared = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (declared is < 0 or > MaxPayloadBytes)
        {
            throw new InformzFrameException($"the length prefix {declared} is outside 0..{MaxPayloadBytes}");
        }

        if (bytes[4] != 0x1f || bytes[5] != 0x8b)
        {
            throw new InformzFrameException("no gzip stream follows the 4-byte length prefix");
        }

        var original = new byte[declared];
        int read;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes, 4, bytes.Length - 4, writable: false), CompressionMode.Decompress);
            read = ReadFully(gzip, original);
            if (read == declared && gzip.ReadByte() >= 0)
            {
                throw new InformzFrameException($"the gzip stream holds more than the {declared} bytes its length prefix declares");
            }
        }
        catch (InvalidDataException)
        {
            throw new InformzFrameException("the gzip stream is corrupt or cut off");
        }

        if (read != declared)
        {
            throw new InformzFrameException($"the gzip stream is cut off or short: it holds {read} bytes, its length prefix declares {declared}");
        }

        try
        {
            return Utf8.GetString(original);
        }
        catch (DecoderFallbackException)
        {
            throw new InformzFrameException("the payload is not UTF-8");
        }
    }

    /// <summary>The length a frame's prefix declares (its first 4 bytes, little-endian); for tests and diagnostics.</summary>
    public static int DeclaredLength(string framed)
    {
        ArgumentNullException.ThrowIfNull(framed);
        var head = Convert.FromBase64String(framed.Trim()[..8]);
        return BinaryPrimitives.ReadInt32LittleEndian(head);
    }

    private static int ReadFully(Stream stream, byte[] target)
    {
        var total = 0;
        while (total < target.Length)
        {
            var n = stream.Read(target, total, target.Length - total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}

/// <summary>A PostInformzMessage payload that is not framed as the vendor documents (see <see cref="InformzFrame"/>).</summary>
public sealed class InformzFrameException(string message) : Exception(message);
