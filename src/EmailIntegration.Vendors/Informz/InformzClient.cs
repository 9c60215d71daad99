using System.Net.Http.Headers;
using System.Xml;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// Typed HttpClient for the Informz AAPI (<c>InformzService.svc</c>): every call is one SOAP <c>PostInformzMessage</c> carrying
/// a GridRequest (read) or an ActionRequest (write) built by <see cref="InformzDocuments"/>, with the brand id, user and password
/// inside the document. Grid calls return the raw response bytes unchanged, so the fetch lands exactly what the vendor sent.
/// </summary>
/// <remarks>
/// <para>Vendor pages: setup and endpoint http://informz.knowledgeowl.com/help/setup-api ; API Quick Start Guide
/// https://support.higherlogic.com/hc/en-us/articles/360033049051-API-Quick-Start-Guide ; API General Information
/// https://support.higherlogic.com/hc/en-us/articles/360033049191-API-General-Information ; Grid Request Overview
/// https://support.higherlogic.com/hc/en-us/articles/360033049251-Grid-Request-Overview ; Action Requests
/// https://support.higherlogic.com/hc/en-us/articles/360032692072-Action-Requests ; Optout
/// https://support.higherlogic.com/hc/en-us/articles/360044601832-Optout ; the framing of every payload: <see cref="InformzFrame"/>.</para>
/// <para>How the service reports a refused login is not documented. A WCF service answers a FaultException with HTTP 500 and
/// a SOAP Fault: a <c>Client</c>/<c>Sender</c> fault (the request is wrong, e.g. credentials) is not retried and becomes
/// <see cref="VendorFetchException"/> "… was refused" (<see cref="VendorHttp.SendSoapAsync"/>); its text is reported only with
/// the user, password and any e-mail address masked. Other 5xx, 408 and 429 (honouring Retry-After) are retried by the resilience handler added in
/// <see cref="VendorRegistration.AddVendorHttpClient"/>.</para>
/// </remarks>
public sealed class InformzClient(HttpClient http, IOptions<InformzOptions> options, ILogger<InformzClient> logger)
{
    public const string Vendor = "informz";

    private static readonly MediaTypeHeaderValue SoapMediaType = new("text/xml") { CharSet = "utf-8" };

    /// <summary>One GridRequest; the raw SOAP response, byte for byte.</summary>
    /// <exception cref="VendorFetchException">HTTP failure after retries, a SOAP fault, or the call abandoned.</exception>
    public Task<byte[]> GetGridAsync(GridQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.NumberOfRows is { } rows)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, InformzOptions.MaxPageSize);
        }

        return PostAsync(query.GridType, InformzDocuments.GridRequest(options.Value, query), cancellationToken);
    }

    /// <summary>Optout of the given e-mail addresses from the interests (no remote ids).</summary>
    public Task<InformzActionResult> OptOutAsync(
        IReadOnlyCollection<string> interestNames, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        return OptOutAsync(interestNames, emails.Select(e => new InformzSubscriber(e)).ToList(), cancellationToken);
    }

    /// <summary>ActionRequest <c>Optout {InterestNames, Subscribers}</c>: removes the subscribers from the interests.</summary>
    public async Task<InformzActionResult> OptOutAsync(
        IReadOnlyCollection<string> interestNames, IReadOnlyCollection<InformzSubscriber> subscribers, CancellationToken cancellationToken)
    {
        var document = InformzDocuments.OptOut(options.Value, interestNames, subscribers);
        return await ActionAsync("Optout", document, cancellationToken);
    }

    /// <summary>ActionRequest <c>Subscribe</c> (synchronous, at most 1,000 subscribers).</summary>
    public async Task<InformzActionResult> SubscribeAsync(
        IReadOnlyCollection<string> interestNames, InformzInterestAction action, IReadOnlyCollection<InformzSubscriber> subscribers,
        CancellationToken cancellationToken)
    {
        var document = InformzDocuments.Subscribe(options.Value, interestNames, action, subscribers);
        return await ActionAsync("Subscribe", document, cancellationToken);
    }

    private async Task<InformzActionResult> ActionAsync(string action, string document, CancellationToken cancellationToken)
    {
        var body = await PostAsync(action, document, cancellationToken);
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            return await InformzXml.ReadActionResultAsync(stream, action, cancellationToken);
        }
        catch (InformzFaultException fault)
        {
            var o = options.Value;
            throw fault.Fault.ToFailure(Vendor, action, status: null, o.Password, o.User);
        }
        catch (Exception ex) when (ex is XmlException or EmailIntegration.Pipeline.FanOut.UnreadableFileException)
        {
            throw new VendorFetchException(Vendor, $"{action} returned a response that is not a readable ActionResponse");
        }
    }

    private async Task<byte[]> PostAsync(string operation, string document, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, (Uri?)null);
        var content = new ByteArrayContent(InformzDocuments.Envelope(document));
        content.Headers.ContentType = SoapMediaType;
        request.Content = content;
        request.Headers.TryAddWithoutValidation("SOAPAction", "\"" + o.SoapAction + "\"");
        return await VendorHttp.SendSoapAsync(http, request, Vendor, operation, [o.Password, o.User], logger, cancellationToken);
    }
}
