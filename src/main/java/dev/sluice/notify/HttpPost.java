package dev.sluice.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * One POST of a JSON body, as webhooks and Slack receive it. A 2xx answer is a delivery; 408, 429,
 * 5xx, a timeout or a network failure may pass and are retried; any other answer is final.
 * Messages name the host only: a URL's path and query may hold a token.
 */
final class HttpPost {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final int MAX_BODY_IN_MESSAGE = 200;

    private HttpPost() {}

    static void post(URI url, byte[] body, Map<String, String> headers, Duration timeout) throws DeliveryFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "sluice")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DeliveryFailure("POST to " + url.getHost() + " timed out after " + timeout.toSeconds() + "s", true, e);
        } catch (IOException e) {
            throw new DeliveryFailure("POST to " + url.getHost() + " failed: " + describe(e), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure("POST to " + url.getHost() + " was interrupted", false, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String text = response.body() == null ? "" : response.body().strip();
        if (text.length() > MAX_BODY_IN_MESSAGE) {
            text = text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
        }
        boolean retryable = status == 408 || status == 429 || status >= 500;
        throw new DeliveryFailure("POST to " + url.getHost() + " answered HTTP " + status + (text.isEmpty() ? "" : ": " + text),
                retryable, null);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
