using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Azure.Erasure;

/// <summary>The erasure records and tombstones' table (root-level app setting <c>ErasureTable</c>).</summary>
public sealed class ErasureStorageOptions
{
    [Required, RegularExpression(@"\A[A-Za-z][A-Za-z0-9]{2,62}\z")]
    public string ErasureTable { get; set; } = "Erasures";
}
