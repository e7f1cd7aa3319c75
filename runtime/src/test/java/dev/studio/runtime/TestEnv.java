package dev.studio.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The environment of a runtime under test: local datastores, a fresh Redis key prefix, port 0. */
public final class TestEnv {
  private TestEnv() {}

  public static Map<String, String> of(TestDatabase database, Role role) {
    var env = new HashMap<String, String>();
    env.put("STUDIO_ROLE", role.name());
    env.put("STUDIO_HTTP_PORT", "0");
    env.put("DATABASE_URL", database.url());
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    env.put("NATS_URL", "nats://127.0.0.1:4222");
    env.put("STUDIO_INSTANCE", "test-" + UUID.randomUUID().toString().substring(0, 8));
    env.put("STUDIO_ENCRYPTION_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    env.put("STUDIO_JWT_SECRET", "test-jwt-secret");
    env.put("STUDIO_ADMIN_TOKEN", "sta_test_admin");
    env.put("SHUTDOWN_GRACE_SECONDS", "1");
    return env;
  }
}
