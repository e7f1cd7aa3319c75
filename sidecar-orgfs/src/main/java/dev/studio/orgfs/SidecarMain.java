package dev.studio.orgfs;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The org-fs sidecar of a sandbox pod (DESIGN §6), unprivileged: it keeps {@code <root>/<volume>}
 * (a shared emptyDir) in step with the platform's {@code /api/{org}/fs/{volume}}, configured through
 * {@code /run/orgfs/config.json} once the pod is bound to a claim, reporting through
 * {@code /run/orgfs/status.json}. {@code ORGFS_CONFIG} and {@code ORGFS_STATUS} move those files.
 */
public final class SidecarMain {
  private SidecarMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path config = Path.of(System.getenv().getOrDefault("ORGFS_CONFIG", "/run/orgfs/config.json"));
    Path status = Path.of(System.getenv().getOrDefault("ORGFS_STATUS", "/run/orgfs/status.json"));
    var sidecar = new Sidecar(config, status, Clock.systemUTC()).start();
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sidecar.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
