using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Azure.Outbound;

/// <summary>
/// The outbound side's resource names (root-level app settings, so the queue trigger can bind <c>%OutboundQueue%</c>).
/// </summary>
public sealed class OutboundStorageOptions
{
    /// <summary>Blob container of landed blasts (<c>blasts/{blastId}.json</c>).</summary>
    [Required, RegularExpression(@"\A[a-z0-9-]{3,63}\z")]
    public string OutboundContainer { get; set; } = "outbound";

    /// <summary>Storage queue of blast and opt-out messages; its poison queue is <c>{name}-poison</c>.</summary>
    [Required, RegularExpression(@"\A[a-z0-9-]{3,63}\z")]
    public string OutboundQueue { get; set; } = "outbound";

    [Required, RegularExpression(@"\A[A-Za-z][A-Za-z0-9]{2,62}\z")]
    public string BlastStatusTable { get; set; } = "BlastStatus";

    /// <summary>One entity per opt-out and vendor (partition = opt-out id, row = vendor).</summary>
    [Required, RegularExpression(@"\A[A-Za-z][A-Za-z0-9]{2,62}\z")]
    public string OptOutStatusTable { get; set; } = "OptOutStatus";
}
