package dev.studio.runtime.testing;

import dev.studio.runtime.Role;
import dev.studio.runtime.RuntimeConfig;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.TestDatabase;
import dev.studio.runtime.TestEnv;
import dev.studio.runtime.jobs.JobHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A platform under test: a fresh database and Redis key prefix of its own, on the local
 * PostgreSQL, Redis and NATS (or private servers a test passes in), with runtimes started in this
 * JVM or as processes of their own.
 */
public final class Platform implements AutoCloseable {
  public static final String ADMIN = "sta_test_admin";

  private final TestDatabase database;
  private final Map<String, String> env;
  private final List<StudioRuntime> runtimes = new ArrayList<>();
  private final List<RuntimeProcess> processes = new ArrayList<>();

  private Platform(Map<String, String> overrides) {
    database = TestDatabase.create();
    env = TestEnv.of(database, Role.all);
    env.put("STUDIO_ADMIN_TOKEN", ADMIN);
    env.put("STUDIO_RUN_LEASE_SECONDS", "3");
    env.put("STUDIO_JOB_RECLAIM_SECONDS", "2");
    env.putAll(overrides);
  }

  public static Platform create() {
    return new Platform(Map.of());
  }

  public static Platform create(Map<String, String> overrides) {
    return new Platform(overrides);
  }

  public Map<String, String> env(Role role, Map<String, String> overrides) {
    var env = new HashMap<>(this.env);
    env.put("STUDIO_ROLE", role.name());
    env.putAll(overrides);
    return env;
  }

  public StudioRuntime start(Role role) {
    return start(role, Map.of());
  }

  public StudioRuntime start(Role role, Map<String, String> overrides) {
    return start(role, overrides, List.of());
  }

  public StudioRuntime start(Role role, Map<String, String> overrides, List<JobHandler> jobs) {
    try {
      var runtime = StudioRuntime.start(RuntimeConfig.fromEnv(env(role, overrides)), jobs);
      runtimes.add(runtime);
      return runtime;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a runtime", e);
    }
  }

  /** A worker in a process of its own; returns once it serves. */
  public RuntimeProcess worker(Map<String, String> overrides) {
    return process(Role.worker, overrides, List.of("-Xmx256m"));
  }

  /** A runtime of the role in a process of its own; returns once it serves. */
  public RuntimeProcess process(Role role, Map<String, String> overrides, List<String> jvmOptions) {
    var process = RuntimeProcess.start(env(role, overrides), jvmOptions);
    processes.add(process);
    process.awaitServing(Duration.ofSeconds(60));
    return process;
  }

  /** The admin's client of a runtime in a process of its own. */
  public Api admin(RuntimeProcess process) {
    return new Api("http://127.0.0.1:" + process.port(), ADMIN);
  }

  public Api admin(StudioRuntime api) {
    return new Api("http://127.0.0.1:" + api.port(), ADMIN);
  }

  /** Creates an org and returns its slug. */
  public static String org(Api admin) {
    String slug = "org-" + UUID.randomUUID().toString().substring(0, 8);
    var created = admin.post("/api/orgs", Map.of("slug", slug, "name", "Test org " + slug));
    if (created.status() != 201) {
      throw new AssertionError("cannot create org: " + created.text());
    }
    return slug;
  }

  /** Creates a token of the org with the tier and returns it. */
  public static String token(Api admin, String org, String tier) {
    var created = admin.post("/api/" + org + "/tokens", Map.of("name", tier + "-token", "tier", tier));
    if (created.status() != 201) {
      throw new AssertionError("cannot create token: " + created.text());
    }
    return created.at("/token");
  }

  public static String thread(Api api, String org) {
    var created = api.post("/api/" + org + "/threads", Map.of("title", "test"));
    if (created.status() != 201) {
      throw new AssertionError("cannot create thread: " + created.text());
    }
    return created.at("/id");
  }

  /** Posts a message and returns the run id. */
  public static String post(Api api, String org, String thread, String text) {
    var posted = api.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", text));
    if (posted.status() != 202) {
      throw new AssertionError("cannot post: " + posted.status() + " " + posted.text());
    }
    return posted.at("/runId");
  }

  /** Waits for the run to end and returns it. */
  public static Api.Response awaitRun(Api api, String org, String run, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Api.Response last = null;
    while (System.nanoTime() < deadline) {
      last = api.get("/api/" + org + "/runs/" + run);
      String state = last.at("/state");
      if (state != null && !state.equals("queued") && !state.equals("running")) {
        return last;
      }
      RuntimeProcess.sleep(50);
    }
    throw new AssertionError("run " + run + " did not end within " + timeout + ": " + (last == null ? "" : last.text()));
  }

  public TestDatabase database() {
    return database;
  }

  @Override
  public void close() {
    processes.forEach(RuntimeProcess::close);
    runtimes.forEach(StudioRuntime::close);
    database.close();
  }
}
