package dev.studio.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** An HTTP answer, its body also parsed as JSON when it is JSON. */
public record Reply(int status, String body, JsonNode json, HttpHeaders headers) {
  public String errorCode() {
    return json == null ? null : json.path("error").path("code").asText(null);
  }

  public String errorField() {
    return json == null ? null : json.path("error").path("details").path("field").asText(null);
  }
}
