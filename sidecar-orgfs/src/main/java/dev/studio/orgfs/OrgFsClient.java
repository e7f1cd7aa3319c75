package dev.studio.orgfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The platform's org-fs API for one org and volume, as the sidecar uses it. */
final class OrgFsClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  record Entry(String path, String etag, long size) {}

  record Listing(List<Entry> entries, long cursor) {}

  record RemoteChange(long seq, String path, String kind, String etag) {}

  record Changes(List<RemoteChange> changes, long cursor) {}

  /** The outcome of a conditional write or delete: the new ETag, or refused (412). */
  record Outcome(boolean done, String etag, int status) {}

  OrgFsClient(String api, String token, String org, String volume) {
    this.base = api + "/api/" + org + "/fs/" + volume;
    this.token = token;
  }

  Listing list() throws IOException, InterruptedException {
    var json = json(send(request("/list?recursive=1").GET(), Duration.ofSeconds(30)));
    var entries = new ArrayList<Entry>();
    json.get("entries").forEach(e -> entries.add(new Entry(e.get("path").asText(), e.get("etag").asText(), e.get("size").asLong())));
    return new Listing(entries, json.get("cursor").asLong());
  }

  Changes changes(long since, boolean wait) throws IOException, InterruptedException {
    var json = json(send(request("/changes?since=" + since + (wait ? "&wait=1" : "")).GET(), Duration.ofSeconds(90)));
    var changes = new ArrayList<RemoteChange>();
    json.get("changes").forEach(c -> changes.add(new RemoteChange(c.get("seq").asLong(), c.get("path").asText(), c.get("kind").asText(),
        c.hasNonNull("etag") ? c.get("etag").asText() : null)));
    return new Changes(changes, json.get("cursor").asLong());
  }

  /** Downloads into {@code target}; empty if the file is gone. Returns its ETag. */
  Optional<String> download(String path, Path target) throws IOException, InterruptedException {
    var response = http.send(request("/file?path=" + encode(path)).GET().timeout(Duration.ofMinutes(10)).build(),
        HttpResponse.BodyHandlers.ofFile(target));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    check(response.statusCode(), "GET " + path);
    return response.headers().firstValue("ETag");
  }

  /** Uploads the file if the remote is still at {@code baseEtag} (null: only if it does not exist). */
  Outcome upload(String path, Path source, String baseEtag) throws IOException, InterruptedException {
    var request = request("/file?path=" + encode(path)).PUT(HttpRequest.BodyPublishers.ofFile(source)).timeout(Duration.ofMinutes(10));
    request.header(baseEtag == null ? "If-None-Match" : "If-Match", baseEtag == null ? "*" : baseEtag);
    var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 412) {
      return new Outcome(false, null, 412);
    }
    if (response.statusCode() == 403 || response.statusCode() == 413) {
      return new Outcome(false, null, response.statusCode());
    }
    check(response.statusCode(), "PUT " + path);
    return new Outcome(true, response.headers().firstValue("ETag").orElseThrow(), response.statusCode());
  }

  Outcome delete(String path, String baseEtag) throws IOException, InterruptedException {
    var response = http.send(request("/file?path=" + encode(path)).DELETE().header("If-Match", baseEtag).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 204 || response.statusCode() == 404) {
      return new Outcome(true, null, response.statusCode());
    }
    if (response.statusCode() == 412 || response.statusCode() == 403) {
      return new Outcome(false, null, response.statusCode());
    }
    check(response.statusCode(), "DELETE " + path);
    return new Outcome(true, null, response.statusCode());
  }

  private HttpRequest.Builder request(String suffix) {
    return HttpRequest.newBuilder(URI.create(base + suffix)).header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) throws IOException, InterruptedException {
    var response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    check(response.statusCode(), request.build().uri().getPath());
    return response;
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static void check(int status, String what) throws IOException {
    if (status >= 300) {
      // The body may echo request details; the status is enough to act on and never carries the token.
      throw new IOException(what + " answered " + status);
    }
  }

  private static String encode(String path) {
    return URLEncoder.encode(path, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
