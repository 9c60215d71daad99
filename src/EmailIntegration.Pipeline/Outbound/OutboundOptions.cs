using System.ComponentModel.DataAnnotations;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>
/// The outbound side (section <c>Outbound</c>): the field map per vendor, the mailing type → vendor list maps, and limits.
/// One app setting per entry, e.g. <c>Outbound__FieldMaps__realmagnet__IndividualId = CustomMemberID</c> and
/// <c>Outbound__RealMagnet__Categories__Newsletter = 12345</c>.
/// </summary>
public sealed class OutboundOptions : IValidatableObject
{
    public const string Section = "Outbound";

    /// <summary>The AMS field that is the recipient's own id (taken from <c>individualId</c> when not in the fields).</summary>
    public const string IndividualIdField = "IndividualId";

    /// <summary>The AMS field that holds the address; every blast recipient needs one.</summary>
    public const string EmailField = "Email";

    /// <summary>Used for a vendor with no <c>Outbound:FieldMaps:{vendor}</c> entries.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> DefaultFieldMaps =
        new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>(StringComparer.OrdinalIgnoreCase)
        {
            [OutboundVendors.RealMagnet] = [new("Email", "Email"), new("FirstName", "FirstName"), new("LastName", "LastName"), new("IndividualId", "CustomMemberID")],
            [OutboundVendors.Informz] = [new("Email", "Email"), new("IndividualId", "ID"), new("FirstName", "FirstName"), new("LastName", "LastName")],
            [OutboundVendors.HighRoad] = [new("IndividualId", "Individual ID"), new("Email", "Email"), new("FirstName", "First Name"), new("LastName", "Last Name")],
        };

    /// <summary>Vendor → (AMS field name → vendor field name). Only mapped fields are sent.</summary>
    public Dictionary<string, Dictionary<string, string>> FieldMaps { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public RealMagnetOutboundOptions RealMagnet { get; set; } = new();

    public InformzOutboundOptions Informz { get; set; } = new();

    public HighRoadOutboundMapOptions HighRoad { get; set; } = new();

    [Range(1, 10_000)]
    public int MaxRecipients { get; set; } = 10_000;

    /// <summary>Keep equal to host.json's <c>extensions.queues.maxDequeueCount</c>: on that attempt a failing push is marked Failed.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>The map of a vendor, configured or default, in configuration order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FieldMapOf(string vendor)
    {
        var configured = FieldMaps.FirstOrDefault(m => string.Equals(m.Key, vendor, StringComparison.OrdinalIgnoreCase)).Value;
        if (configured is { Count: > 0 })
        {
            return configured.Where(p => !string.IsNullOrWhiteSpace(p.Value))
                .Select(p => new KeyValuePair<string, string>(p.Key.Trim(), p.Value.Trim())).ToList();
        }

        return DefaultFieldMaps.TryGetValue(vendor, out var map) ? map : [];
    }

    /// <summary>The value of <paramref name="map"/> for a mailing type (case- and whitespace-insensitive), else null.</summary>
    public static string? ForMailingType(IReadOnlyDictionary<string, string>? map, string mailingType)
    {
        if (map is null)
        {
            return null;
        }

        var key = Normalize.GroupName(mailingType);
        return map.FirstOrDefault(p => Normalize.GroupName(p.Key) == key).Value is { Length: > 0 } value ? value.Trim() : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (vendor, map) in FieldMaps)
        {
            var targets = map.Values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList();
            if (targets.Count != targets.Distinct(StringComparer.OrdinalIgnoreCase).Count())
            {
                yield return new ValidationResult($"Outbound:FieldMaps:{vendor} maps two AMS fields to the same vendor field.", [nameof(FieldMaps)]);
            }
        }

        foreach (var (name, map) in new[] { ("RealMagnet:Categories", RealMagnet.Categories), ("RealMagnet:Groups", RealMagnet.Groups) })
        {
            foreach (var (type, id) in map)
            {
                if (!string.IsNullOrWhiteSpace(id) && !int.TryParse(id, out _))
                {
                    yield return new ValidationResult($"Outbound:{name}:{type} must be a whole number (the vendor's id).", [name]);
                }
            }
        }
    }
}

/// <summary>Real Magnet: which category or group an opt-out of a mailing type unsubscribes from, and how to upsert (UpsertType add/update is decided per recipient).</summary>
public sealed class RealMagnetOutboundOptions
{
    /// <summary>Mailing type → CategoryID (accounts whose unsubscribe type is by group or message category).</summary>
    public Dictionary<string, string> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Mailing type → Group id (accounts whose unsubscribe type is "from specified groups").</summary>
    public Dictionary<string, string> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>UpsertRecipient's ValidateEmail ("It's recommended that this is set to True").</summary>
    public bool ValidateEmail { get; set; } = true;

    /// <summary>Concurrent UpsertRecipient calls of one blast.</summary>
    [Range(1, 16)]
    public int Parallelism { get; set; } = 4;
}

/// <summary>Informz: which interest a mailing type is (default: the mailing type's own name).</summary>
public sealed class InformzOutboundOptions
{
    public Dictionary<string, string> Interests { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>HighRoad: which opt-out category a mailing type is (default: the mailing type's own name).</summary>
public sealed class HighRoadOutboundMapOptions
{
    public Dictionary<string, string> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The vendor names of the outbound side (lower case, as in the request and the settings).</summary>
public static class OutboundVendors
{
    public const string RealMagnet = "realmagnet";
    public const string Informz = "informz";
    public const string HighRoad = "highroad";
}
