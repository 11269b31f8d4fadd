package dev.rmmaudit.forwarder.check;

import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.config.FileSinkConfig;
import dev.rmmaudit.forwarder.config.HasHttpSettings;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.config.SinkConfig;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.sink.TlsContexts;
import dev.rmmaudit.forwarder.sink.sentinel.SentinelSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Whether each sink can be reached and accepts the forwarder's credentials, without sending an event: a TCP
 * connection (and the TLS handshake, certificate and host name checked) for syslog, the health endpoint and an
 * empty request for Splunk HEC (a valid token answers "no data", code 5), {@code GET /} for Elasticsearch, a token
 * for Sentinel. Answers are judged by their status; bodies, which may echo what was sent, are never shown.
 */
final class SinkProbes {
    private SinkProbes() {
    }

    static CheckResult probe(SinkConfig s) {
        String check = "sink " + s.name();
        try {
            if (s instanceof SyslogSinkConfig sys) {
                return syslog(check, sys);
            } else if (s instanceof SplunkHecSinkConfig hec) {
                return splunk(check, hec);
            } else if (s instanceof ElasticsearchSinkConfig es) {
                return elastic(check, es);
            } else if (s instanceof SentinelSinkConfig sen) {
                return sentinel(check, sen);
            } else if (s instanceof FileSinkConfig f) {
                Path dir = f.path().toAbsolutePath().getParent();
                return Files.isDirectory(dir) && Files.isWritable(dir) ? CheckResult.ok(check, "can write " + f.path())
                        : CheckResult.fail(check, "cannot write into " + dir, "create the folder and let the"
                        + " forwarder's account write there");
            }
            return CheckResult.ok(check, s.type() + ": nothing to check without sending an event");
        } catch (IOException e) {
            return CheckResult.fail(check, "cannot reach it: " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()), "check the sink's host, port or"
                    + " url, that the receiver runs, and that a firewall lets this machine through");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail(check, "interrupted", null);
        }
    }

    private static CheckResult syslog(String check, SyslogSinkConfig s) throws IOException {
        if (s.protocol().equals("udp")) {
            return CheckResult.warn(check, "UDP to " + s.host() + ":" + s.port() + ": nothing to connect to, and"
                    + " delivery is never confirmed", "prefer protocol: tls (or tcp) where the collector offers it");
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(s.host(), s.port()), (int) s.connectTimeout().toMillis());
            if (!s.protocol().equals("tls")) {
                return CheckResult.ok(check, "TCP connection to " + s.host() + ":" + s.port() + " accepted");
            }
            try (SSLSocket ssl = (SSLSocket) TlsContexts.socketFactory(s.tls()).createSocket(plain, s.host(),
                    s.port(), true)) {
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm(s.tls().verify() ? "HTTPS" : null);
                ssl.setSSLParameters(params);
                ssl.setSoTimeout((int) s.connectTimeout().toMillis());
                ssl.startHandshake();
                return s.tls().verify() ? CheckResult.ok(check, "TLS to " + s.host() + ":" + s.port()
                        + ": certificate and host name verified") : CheckResult.warn(check, "TLS to " + s.host() + ":"
                        + s.port() + " with certificate verification OFF", "remove tls.verify: false and give"
                        + " tls.caFile");
            } catch (javax.net.ssl.SSLException e) {
                return CheckResult.fail(check, "TLS handshake with " + s.host() + ":" + s.port() + " failed: "
                        + e.getMessage(), "give the collector's CA certificate as tls.caFile, and connect by a name"
                        + " its certificate holds");
            }
        }
    }

    private static HttpClient client(HasHttpSettings s) {
        return HttpClient.newBuilder().connectTimeout(s.http().timeout()).sslContext(TlsContexts.context(
                s.http().tls())).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static HttpRequest.Builder get(HasHttpSettings s, String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(s.http().timeout()).GET();
    }

    private static CheckResult splunk(String check, SplunkHecSinkConfig s) throws IOException, InterruptedException {
        HttpClient c = client(s);
        HttpResponse<Void> health = c.send(get(s, s.url() + "/services/collector/health").build(),
                HttpResponse.BodyHandlers.discarding());
        if (health.statusCode() != 200) {
            return CheckResult.fail(check, "HEC health at " + s.url() + " answers " + health.statusCode(),
                    health.statusCode() == 503 ? "the collector is busy or its queues are full; look at Splunk"
                            : "check the url (https://host:8088) and that HTTP Event Collector is on");
        }
        // an empty request carries no event: a valid token answers 400 "No data" (code 5)
        HttpResponse<Void> token = c.send(HttpRequest.newBuilder(URI.create(s.url() + "/services/collector/event"))
                .timeout(s.http().timeout()).header("Authorization", "Splunk " + s.token().reveal())
                .header("X-Splunk-Request-Channel", java.util.UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        return switch (token.statusCode()) {
            case 400, 200 -> CheckResult.ok(check, "HEC at " + s.url() + " is healthy and accepts the token");
            case 401, 403 -> CheckResult.fail(check, "HEC at " + s.url() + " refuses the token (" + token.statusCode()
                    + ")", "check the token and that it is enabled (Settings > Data inputs > HTTP Event Collector)");
            default -> CheckResult.warn(check, "HEC at " + s.url() + " answers " + token.statusCode()
                    + " to an empty request", null);
        };
    }

    private static CheckResult elastic(String check, ElasticsearchSinkConfig s) throws IOException,
            InterruptedException {
        HttpRequest.Builder b = get(s, s.url() + "/");
        if (!s.apiKey().isEmpty()) {
            b.header("Authorization", "ApiKey " + s.apiKey().reveal());
        } else if (s.username() != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((s.username() + ":"
                    + s.password().reveal()).getBytes(StandardCharsets.UTF_8)));
        }
        int status = client(s).send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
            return CheckResult.ok(check, s.url() + " answers and accepts the credentials");
        }
        return CheckResult.fail(check, s.url() + " answers " + status, status == 401 || status == 403
                ? "check apiKey (or username and password) and the role's rights on the data stream"
                : "check the url");
    }

    private static CheckResult sentinel(String check, SentinelSinkConfig s) throws IOException, InterruptedException {
        int status = client(s).send(SentinelSink.tokenRequest(s), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
            return CheckResult.ok(check, "a token for " + s.clientId() + " was granted by " + URI.create(s.tokenUrl())
                    .getHost());
        }
        return CheckResult.fail(check, "no token for " + s.clientId() + " (" + status + ")", "check tenantId,"
                + " clientId and the client secret, and that the app registration is not expired");
    }
}
