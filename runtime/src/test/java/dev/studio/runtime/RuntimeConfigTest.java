package dev.studio.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.studio.runtime.dispatch.Lane;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RuntimeConfigTest {

  static Map<String, String> minimal() {
    var env = new HashMap<String, String>();
    env.put("DATABASE_URL", "postgres://studio:pa55word@pg:5432/studio?sslmode=require");
    env.put("REDIS_URL", "redis://redis:6379");
    env.put("NATS_URL", "nats://nats:4222");
    env.put("STUDIO_ENCRYPTION_KEY", "a2V5");
    env.put("STUDIO_JWT_SECRET", "jwt");
    env.put("STUDIO_ADMIN_TOKEN", "sta_admin");
    return env;
  }

  @Test
  void defaultsForALocalAllInOneProcess() {
    var config = RuntimeConfig.fromEnv(minimal());
    assertThat(config.role()).isEqualTo(Role.all);
    assertThat(config.listenQueues()).containsExactlyInAnyOrder(Lane.values());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.model().provider()).isEqualTo(RuntimeConfig.Model.Provider.dev);
    assertThat(config.sandboxes().provider()).isEqualTo(RuntimeConfig.Sandboxes.Provider.local);
    assertThat(config.objectStore()).isEmpty();
    assertThat(config.database().jdbcUrl()).isEqualTo("jdbc:postgresql://pg:5432/studio?sslmode=require");
    assertThat(config.natsServers()).containsExactly("nats://nats:4222");
  }

  @Test
  void secretsNeverPrint() {
    var env = minimal();
    env.put("LLM_PROVIDER", "anthropic");
    env.put("LLM_API_KEY", "sk-ant-very-secret");
    env.put("S3_ENDPOINT", "http://minio:9000");
    env.put("S3_BUCKET", "studio");
    env.put("S3_ACCESS_KEY_ID", "id");
    env.put("S3_SECRET_ACCESS_KEY", "s3-very-secret");
    String printed = RuntimeConfig.fromEnv(env).toString();
    assertThat(printed).doesNotContain("pa55word", "sk-ant-very-secret", "s3-very-secret", "sta_admin", "jwt,", "a2V5");
    assertThat(printed).contains("****");
  }

  @Test
  void rolesQueuesAndCapacity() {
    var env = minimal();
    env.put("STUDIO_ROLE", "worker");
    env.put("STUDIO_LISTEN_QUEUES", "paid, privileged");
    env.put("STUDIO_MAX_CONCURRENT_RUNS", "8");
    var config = RuntimeConfig.fromEnv(env);
    assertThat(config.role()).isEqualTo(Role.worker);
    assertThat(config.listenQueues()).containsExactlyInAnyOrder(Lane.paid, Lane.privileged);
    assertThat(config.maxConcurrentRuns()).isEqualTo(8);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "DATABASE_URL|       |DATABASE_URL is required: postgres://user:password@host:5432/db",
    "DATABASE_URL|mysql://u:secretpw@h/db|DATABASE_URL must be a postgres://, postgresql:// or jdbc:postgresql: URL",
    "REDIS_URL|          |REDIS_URL is required: redis://host:6379 or rediss://...",
    "REDIS_URL|http://u:secretpw@redis|REDIS_URL must start with redis:// or rediss://",
    "NATS_URL|redis://nats|NATS_URL must list nats:// (or tls://) URLs, separated by commas",
    "STUDIO_ROLE|boss|STUDIO_ROLE must be one of [api, worker, all], got 'boss'",
    "STUDIO_LISTEN_QUEUES|paid,vip|STUDIO_LISTEN_QUEUES has an unknown queue 'vip'; queues are [privileged, paid, registered, anonymous]",
    "STUDIO_MAX_CONCURRENT_RUNS|0|STUDIO_MAX_CONCURRENT_RUNS must be between 1 and 1000, got 0",
    "STUDIO_HTTP_PORT|eighty|STUDIO_HTTP_PORT must be a whole number, got 'eighty'",
    "SHUTDOWN_GRACE_SECONDS|-1|SHUTDOWN_GRACE_SECONDS must be between 0 and 3600, got -1",
    "STUDIO_ADMIN_TOKEN|      |STUDIO_ADMIN_TOKEN is required: the bootstrap admin token",
    "LLM_PROVIDER|anthropic|LLM_API_KEY is required with LLM_PROVIDER=anthropic",
    "S3_BUCKET|studio|S3_ENDPOINT is required: the object store's URL (S3_BUCKET is set)",
  })
  void aBadSettingIsOneLineNamingTheVariableWithoutItsSecret(String variable, String value, String message) {
    var env = minimal();
    if (value == null) {
      env.remove(variable);
    } else {
      env.put(variable, value);
    }
    assertThatThrownBy(() -> RuntimeConfig.fromEnv(env))
        .isInstanceOf(InvalidSetting.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretpw").doesNotContain("\n"));
  }

  @Test
  void anApiKeyWithoutAProviderIsAmbiguous() {
    var env = minimal();
    env.put("LLM_API_KEY", "sk-x");
    assertThatThrownBy(() -> RuntimeConfig.fromEnv(env)).hasMessage("LLM_PROVIDER is required when LLM_API_KEY is set: anthropic or openai");
  }
}
