package dev.studio.runtime.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.studio.runtime.vault.Vault;
import java.util.UUID;

/**
 * Seals a connection's credentials as one JSON value, bound to the connection's id: a sealed value
 * copied onto another connection's row does not open there.
 */
final class CredentialVault {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  private final Vault vault;

  CredentialVault(Vault vault) {
    this.vault = vault;
  }

  /** Null for {@link Credentials.Type#none}: nothing to keep. */
  String seal(UUID connection, Credentials credentials) {
    if (credentials.type() == Credentials.Type.none) {
      return null;
    }
    try {
      return vault.seal(JSON.writeValueAsString(credentials), boundTo(connection));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("credentials do not serialize", e);
    }
  }

  Credentials open(UUID connection, String sealed) {
    if (sealed == null) {
      return Credentials.NONE;
    }
    try {
      return JSON.readValue(vault.open(sealed, boundTo(connection)), Credentials.class);
    } catch (JsonProcessingException e) {
      // The vault authenticated it, so this is a bug, not tampering; the message holds no secret.
      throw new IllegalStateException("sealed credentials of connection " + connection + " are not valid JSON");
    }
  }

  private static String boundTo(UUID connection) {
    return "mcp-connection:" + connection;
  }
}
