using Microsoft.Extensions.Http.Resilience;

namespace EmailIntegration.Vendors;

/// <summary>The retry and timeout settings every vendor adapter exposes.</summary>
public interface IVendorRetryOptions
{
    TimeSpan Timeout { get; }

    TimeSpan AttemptTimeout { get; }

    int MaxRetryAttempts { get; }

    TimeSpan RetryBaseDelay { get; }
}

/// <summary>How every vendor's typed HttpClient retries: one policy, each vendor's own numbers.</summary>
public static class VendorResilience
{
    /// <summary>
    /// Retries 408, 429, 5xx and transport errors with exponential back-off and jitter; a Retry-After header
    /// (429/503) sets the delay instead. Attempt and total timeouts come from the vendor's settings.
    /// </summary>
    public static void Apply(HttpStandardResilienceOptions resilience, IVendorRetryOptions options)
    {
        resilience.Retry.MaxRetryAttempts = options.MaxRetryAttempts;
        resilience.Retry.Delay = options.RetryBaseDelay;
        resilience.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldRetryAfterHeader = true;
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = options.Timeout;

        // The standard handler requires the breaker's sampling window to be at least twice the attempt timeout.
        var sampling = options.AttemptTimeout * 2 + TimeSpan.FromSeconds(1);
        resilience.CircuitBreaker.SamplingDuration = sampling > TimeSpan.FromSeconds(30) ? sampling : TimeSpan.FromSeconds(30);
    }
}
