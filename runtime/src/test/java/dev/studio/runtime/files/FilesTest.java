package dev.studio.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.S3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The files routes against the local PostgreSQL and S3 through s3proxy; presigned URLs used for real. */
class FilesTest {
  static final int MAX_UPLOAD = 2_500_000;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static S3Server s3;
  static Platform platform;
  static StudioRuntime runtime;

  @BeforeAll
  static void start() {
    s3 = S3Server.start();
    var env = new HashMap<>(s3.env());
    env.put("STUDIO_FILES_MAX_UPLOAD_BYTES", Integer.toString(MAX_UPLOAD));
    platform = Platform.create(env);
    runtime = platform.start(Role.api);
  }

  @AfterAll
  static void stop() {
    platform.close();
    s3.close();
  }

  static Api orgApi(String[] slug) {
    var admin = platform.admin(runtime);
    slug[0] = Platform.org(admin);
    return admin.as(Platform.token(admin, slug[0], "paid"));
  }

  static HttpResponse<byte[]> fetch(String url) throws Exception {
    // No Authorization: the signature in the URL is the credential.
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void uploadListAndPresignedGet() throws Exception {
    var slug = new String[1];
    var api = orgApi(slug);
    byte[] bytes = new byte[1_500_000]; // over the 1 MB JSON limit: the body streams
    bytes[0] = 42;
    bytes[bytes.length - 1] = 7;
    var uploaded = api.send("POST", "/api/" + slug[0] + "/files?name=data.bin", bytes, Map.of("Content-Type", "application/x-test"));
    assertThat(uploaded.status()).isEqualTo(201);
    assertThat(uploaded.at("/name")).isEqualTo("data.bin");
    assertThat(uploaded.json().get("size").asLong()).isEqualTo(bytes.length);
    assertThat(uploaded.at("/state")).isEqualTo("ready");
    String id = uploaded.at("/id");

    var list = api.get("/api/" + slug[0] + "/files");
    assertThat(list.json().get("files").findValuesAsText("id")).containsExactly(id);

    var got = api.get("/api/" + slug[0] + "/files/" + id);
    var download = fetch(got.at("/url"));
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(bytes);
    // A tampered signature is refused by the store.
    assertThat(fetch(got.at("/url").replace("X-Amz-Signature=", "X-Amz-Signature=0")).statusCode()).isEqualTo(403);

    assertThat(api.delete("/api/" + slug[0] + "/files/" + id).status()).isEqualTo(204);
    assertThat(api.get("/api/" + slug[0] + "/files/" + id).status()).isEqualTo(404);
    assertThat(fetch(got.at("/url")).statusCode()).isEqualTo(404);
  }

  @Test
  void presignedPutThenComplete() throws Exception {
    var slug = new String[1];
    var api = orgApi(slug);
    var upload = api.post("/api/" + slug[0] + "/files/uploads", Map.of("name", "notes.txt", "contentType", "text/plain"));
    assertThat(upload.status()).isEqualTo(201);
    assertThat(upload.at("/method")).isEqualTo("PUT");
    String id = upload.at("/id");
    assertThat(api.get("/api/" + slug[0] + "/files/" + id).at("/state")).isEqualTo("pending");
    assertThat(api.get("/api/" + slug[0] + "/files/" + id).json().has("url")).isFalse();
    // Completing before the bytes arrived is refused.
    assertThat(api.post("/api/" + slug[0] + "/files/" + id + "/complete", "{}").status()).isEqualTo(409);

    byte[] text = "hello from a presigned PUT".getBytes(StandardCharsets.UTF_8);
    var put = HTTP.send(HttpRequest.newBuilder(URI.create(upload.at("/url"))).header("Content-Type", "text/plain")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(text)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    var completed = api.post("/api/" + slug[0] + "/files/" + id + "/complete", "{}");
    assertThat(completed.status()).isEqualTo(200);
    assertThat(completed.at("/state")).isEqualTo("ready");
    assertThat(completed.json().get("size").asLong()).isEqualTo(text.length);
    assertThat(fetch(completed.at("/url")).body()).isEqualTo(text);
  }

  @Test
  void limitsAndValidation() {
    var slug = new String[1];
    var api = orgApi(slug);
    var tooLarge = api.send("POST", "/api/" + slug[0] + "/files?name=big.bin", new byte[MAX_UPLOAD + 1], Map.of("Expect", "100-continue"));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.at("/error/code")).isEqualTo("payload_too_large");
    assertThat(api.get("/api/" + slug[0] + "/files").json().get("files")).isEmpty();

    var badName = api.send("POST", "/api/" + slug[0] + "/files?name=a%2Fb", new byte[1], Map.of());
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.at("/error/details/field")).isEqualTo("name");
    assertThat(api.post("/api/" + slug[0] + "/files/uploads", Map.of("name", "x", "contentType", "nonsense")).at("/error/details/field"))
        .isEqualTo("contentType");
    assertThat(api.get("/api/" + slug[0] + "/files/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(api.get("/api/" + slug[0] + "/files/not-an-id").status()).isEqualTo(404);
  }

  @Test
  void everyRouteChecksTheTokenAndTheOrg() {
    var slug = new String[1];
    var api = orgApi(slug);
    var other = new String[1];
    var intruder = orgApi(other);
    String id = api.send("POST", "/api/" + slug[0] + "/files?name=s.txt", new byte[] {1}, Map.of()).at("/id");
    var anonymous = api.as(null);
    assertThat(anonymous.get("/api/" + slug[0] + "/files").status()).isEqualTo(401);
    assertThat(anonymous.get("/api/" + slug[0] + "/files/" + id).status()).isEqualTo(401);
    assertThat(anonymous.send("POST", "/api/" + slug[0] + "/files?name=x", new byte[] {1}, Map.of()).status()).isEqualTo(401);
    assertThat(intruder.get("/api/" + slug[0] + "/files").status()).isEqualTo(403);
    assertThat(intruder.get("/api/" + slug[0] + "/files/" + id).status()).isEqualTo(403);
    assertThat(intruder.delete("/api/" + slug[0] + "/files/" + id).status()).isEqualTo(403);
    assertThat(intruder.post("/api/" + slug[0] + "/files/uploads", Map.of("name", "x")).status()).isEqualTo(403);
    // Through its own org, another org's file id names nothing.
    assertThat(intruder.get("/api/" + other[0] + "/files/" + id).status()).isEqualTo(404);
    assertThat(api.get("/api/" + slug[0] + "/files/" + id).status()).isEqualTo(200);
  }
}
