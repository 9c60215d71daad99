using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EmailIntegration.Pipeline.Erasure;

/// <summary>
/// The one key an erasure keeps: <c>er-</c> + 32 lower-case hex of SHA-256 over <c>individual\n{individualId}</c> (the
/// prefix keeps it apart from <see cref="Domain.Events.EmailHash"/>'s address hashes). It is the erasure's id and its
/// tombstone, so erasing the same individual twice is one erasure, and nothing that survives an erasure holds the id in
/// clear. Case-sensitive, as the partitions are.
/// </summary>
/// <remarks>
/// A plain hash is a pseudonym, not anonymity: whoever holds a candidate id can compute its key and see whether it was
/// erased (README, Erasure). 128 bits make an accidental collision, which would drop another individual's tracking,
/// negligible.
/// </remarks>
public static partial class ErasureKey
{
    public const string ErasureIdRule = "'er-' followed by 32 lower-case hex digits";

    public static string Of(string individualId)
    {
        ArgumentNullException.ThrowIfNull(individualId);
        return "er-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("individual\n" + individualId)))[..32];
    }

    public static bool IsErasureId(string? value) => value is not null && ErasureIdPattern().IsMatch(value);

    [GeneratedRegex(@"\Aer-[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ErasureIdPattern();
}
