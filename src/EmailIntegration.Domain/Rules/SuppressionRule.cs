using EmailIntegration.Domain.Documents;

namespace EmailIntegration.Domain.Rules;

/// <summary>What a blast is: marketing honours every preference; transactional (receipts, password resets) only a bad address.</summary>
public enum BlastKind { Marketing, Transactional }

/// <summary>Why a blast recipient was held back. <see cref="Erased"/>: the individual asked to be forgotten (their tombstone).</summary>
public enum SuppressionReason { EmailInvalid, DoNotEmail, OptedOut, Erased }

public enum RecipientVerdict
{
    /// <summary>Pushed: the profile allows it.</summary>
    Send,

    /// <summary>Pushed: we hold no AMS profile for the id (the AMS is the authority on who it mails); counted.</summary>
    SendUnknownIndividual,

    /// <summary>Not pushed, for <see cref="SuppressionDecision.Reason"/>.</summary>
    Suppress,
}

public sealed record SuppressionDecision(RecipientVerdict Verdict, SuppressionReason? Reason = null)
{
    public static readonly SuppressionDecision Send = new(RecipientVerdict.Send);
    public static readonly SuppressionDecision SendUnknownIndividual = new(RecipientVerdict.SendUnknownIndividual);

    public bool IsSent => Verdict != RecipientVerdict.Suppress;

    public static SuppressionDecision Suppress(SuppressionReason reason) => new(RecipientVerdict.Suppress, reason);
}

/// <summary>
/// Whether one blast recipient is pushed, decided from their profile as it is when the blast is pushed. In order:
/// an invalid address is never mailed (whatever the kind); a transactional blast goes to everyone else; a marketing
/// blast skips do-not-e-mail and anyone opted out of the blast's mailing type (matched as unsubscribes match e-mail
/// groups: case- and whitespace-insensitive, <see cref="Normalize.GroupName"/>). No profile at all, or one the AMS
/// has not sent, is an individual we don't know: sent, and counted.
/// </summary>
public static class SuppressionRule
{
    public static SuppressionDecision Decide(ProfileDocument? profile, string mailingType, BlastKind kind)
    {
        ArgumentNullException.ThrowIfNull(mailingType);
        if (profile is null)
        {
            return SuppressionDecision.SendUnknownIndividual;
        }

        if (!profile.EmailValid)
        {
            return SuppressionDecision.Suppress(SuppressionReason.EmailInvalid);
        }

        if (kind == BlastKind.Marketing)
        {
            if (profile.DoNotEmail)
            {
                return SuppressionDecision.Suppress(SuppressionReason.DoNotEmail);
            }

            if (IsOptedOut(profile, mailingType))
            {
                return SuppressionDecision.Suppress(SuppressionReason.OptedOut);
            }
        }

        return profile.KnownToAms ? SuppressionDecision.Send : SuppressionDecision.SendUnknownIndividual;
    }

    /// <summary>The profile's current preference for the mailing type says opted out.</summary>
    public static bool IsOptedOut(ProfileDocument profile, string mailingType)
    {
        var normalized = Normalize.GroupName(mailingType);
        return profile.CommunicationPreferences.Any(p => p.OptedOut && Normalize.GroupName(p.MailingType) == normalized);
    }
}
