package dev.studio.runtime.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.studio.runtime.InvalidSetting;
import dev.studio.runtime.Secret;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaultTest {
  private static final Secret OLD = key(1);
  private static final Secret NEW = key(2);
  private static final String AD = "bundle:acme:GITHUB_TOKEN";
  private static final String PLAIN = "ghp_s3cr3t-value";

  /** A valid 32-byte key whose bytes all equal {@code fill}. */
  private static Secret key(int fill) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) fill);
    return new Secret(Base64.getEncoder().encodeToString(bytes));
  }

  @Test
  void roundTrip() {
    var vault = new Vault(NEW);
    String sealed = vault.seal(PLAIN, AD);
    assertThat(sealed).startsWith("v1:" + vault.keyId() + ":").doesNotContain(PLAIN);
    assertThat(vault.keyId()).matches("[0-9a-f]{8}");
    assertThat(vault.open(sealed, AD)).isEqualTo(PLAIN);
    assertThat(vault.open(vault.seal(""))).isEmpty();
    assertThat(vault.open(vault.seal("é ✓ 🔑"))).isEqualTo("é ✓ 🔑");
  }

  @Test
  void keyIdIsStable() {
    assertThat(new Vault(NEW).keyId()).isEqualTo(new Vault(NEW).keyId()).isNotEqualTo(new Vault(OLD).keyId());
  }

  @Test
  void twoSealsOfOneValueDiffer() {
    var vault = new Vault(NEW);
    assertThat(vault.seal(PLAIN, AD)).isNotEqualTo(vault.seal(PLAIN, AD));
  }

  @Test
  void tamperingAnyByteFails() {
    var vault = new Vault(NEW);
    String sealed = vault.seal(PLAIN, AD);
    String prefix = sealed.substring(0, sealed.lastIndexOf(':') + 1);
    byte[] payload = Base64.getDecoder().decode(sealed.substring(prefix.length()));
    for (int i = 0; i < payload.length; i++) {
      byte[] altered = payload.clone();
      altered[i] ^= 0x01;
      String tampered = prefix + Base64.getEncoder().encodeToString(altered);
      assertThatThrownBy(() -> vault.open(tampered, AD))
          .as("byte %d", i)
          .isInstanceOf(Vault.SealedValueException.class)
          .hasMessageContaining("does not authenticate")
          .hasMessageNotContaining(PLAIN);
    }
    String truncated = prefix + Base64.getEncoder().encodeToString(Arrays.copyOf(payload, 20));
    assertThatThrownBy(() -> vault.open(truncated, AD)).isInstanceOf(Vault.SealedValueException.class);
    assertThatThrownBy(() -> vault.open("v2" + sealed.substring(2), AD))
        .isInstanceOf(Vault.SealedValueException.class)
        .hasMessageContaining("not a sealed value");
    assertThatThrownBy(() -> vault.open(prefix + "not*base64", AD))
        .isInstanceOf(Vault.SealedValueException.class)
        .hasMessageContaining("base64");
  }

  @Test
  void wrongAssociatedDataFails() {
    var vault = new Vault(NEW);
    String sealed = vault.seal(PLAIN, AD);
    assertThatThrownBy(() -> vault.open(sealed, "bundle:acme:OTHER_KEY"))
        .isInstanceOf(Vault.SealedValueException.class)
        .hasMessageNotContaining(PLAIN);
    assertThatThrownBy(() -> vault.open(sealed))
        .isInstanceOf(Vault.SealedValueException.class);
  }

  @Test
  void rotation() {
    var before = new Vault(OLD);
    String sealed = before.seal(PLAIN, AD);
    var after = new Vault(NEW, List.of(OLD));

    assertThat(after.open(sealed, AD)).isEqualTo(PLAIN);
    assertThat(after.needsReseal(sealed)).isTrue();
    String resealed = after.seal(after.open(sealed, AD), AD);
    assertThat(resealed).startsWith("v1:" + after.keyId() + ":");
    assertThat(after.needsReseal(resealed)).isFalse();
    assertThat(before.needsReseal(sealed)).isFalse();

    // Once the old key is dropped, the value names a key this vault does not hold.
    var retired = new Vault(NEW);
    assertThatThrownBy(() -> retired.open(sealed, AD))
        .isInstanceOf(Vault.SealedValueException.class)
        .hasMessageContaining("unknown key id " + before.keyId())
        .hasMessageNotContaining(PLAIN)
        .hasMessageNotContaining(OLD.reveal())
        .hasMessageNotContaining(NEW.reveal());
  }

  @Test
  void malformedKeysNameTheirSetting() {
    assertThatThrownBy(() -> new Vault(new Secret("hunter2?!")))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("STUDIO_ENCRYPTION_KEY must be 32 bytes in base64")
        .hasMessageContaining("not base64")
        .hasMessageNotContaining("hunter2");
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> new Vault(new Secret(short16)))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("STUDIO_ENCRYPTION_KEY must be 32 bytes")
        .hasMessageContaining("16 bytes")
        .hasMessageNotContaining(short16);
    assertThatThrownBy(() -> new Vault(NEW, List.of(new Secret(short16))))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("STUDIO_ENCRYPTION_KEY_PREVIOUS must be 32 bytes");
  }

  @Test
  void toStringShowsKeyIdsOnly() {
    var vault = new Vault(NEW, List.of(OLD));
    assertThat(vault.toString())
        .contains(vault.keyId(), new Vault(OLD).keyId())
        .doesNotContain(NEW.reveal())
        .doesNotContain(OLD.reveal());
  }
}
