package dev.rmmaudit.forwarder.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entra ID's token endpoint and the Azure Monitor Logs Ingestion API on 127.0.0.1: client-credentials tokens
 * (secret {@code s3cret}, the monitor scope), gzip JSON arrays at most 1 MB (413 above), 204 on success,
 * 401 for a token that is not the current one, 429 with Retry-After on demand.
 */
public final class FakeSentinel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeHttp http;
    public final AtomicInteger tokensIssued = new AtomicInteger();
    public volatile String validToken;
    public volatile int throttleFirst;
    public volatile long expiresIn = 3600;
    public final List<JsonNode> rows = Collections.synchronizedList(new ArrayList<>());
    public final List<Integer> callSizes = Collections.synchronizedList(new ArrayList<>());
    public final List<Long> callTimes = Collections.synchronizedList(new ArrayList<>());

    public FakeSentinel() throws IOException {
        http = new FakeHttp();
        http.server.createContext("/tenant/oauth2/v2.0/token", this::token);
        http.server.createContext("/dataCollectionRules/dcr-123/streams/Custom-RmmAudit", this::ingest);
    }

    public String url() {
        return http.url();
    }

    public String tokenUrl() {
        return http.url() + "/tenant/oauth2/v2.0/token";
    }

    private void token(HttpExchange x) throws IOException {
        String form = FakeHttp.body(x);
        if (!form.contains("grant_type=client_credentials") || !form.contains("client_secret=s3cret")
                || !form.contains("scope=https%3A%2F%2Fmonitor.azure.com%2F%2F.default")) {
            FakeHttp.answer(x, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        validToken = "token-" + tokensIssued.incrementAndGet();
        FakeHttp.answer(x, 200, "{\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + ",\"access_token\":\""
                + validToken + "\"}");
    }

    private void ingest(HttpExchange x) throws IOException {
        callTimes.add(System.nanoTime());
        if (!x.getRequestURI().getQuery().equals("api-version=2023-01-01")) {
            FakeHttp.answer(x, 400, "{\"error\":\"api-version\"}");
            return;
        }
        if (!("Bearer " + validToken).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            FakeHttp.answer(x, 401, "{\"error\":{\"code\":\"InvalidToken\"}}");
            return;
        }
        if (throttleFirst > 0) {
            throttleFirst--;
            x.getResponseHeaders().set("Retry-After", "1");
            FakeHttp.answer(x, 429, "{\"error\":{\"code\":\"TooManyRequests\"}}");
            return;
        }
        byte[] raw = x.getRequestBody().readAllBytes();
        if (raw.length > 1_000_000) {
            FakeHttp.answer(x, 413, "{\"error\":\"payload too large\"}");
            return;
        }
        callSizes.add(raw.length);
        String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        JSON.readTree(body).forEach(rows::add);
        FakeHttp.answer(x, 204, "");
    }

    @Override
    public void close() {
        http.close();
    }
}
