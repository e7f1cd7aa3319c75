package dev.studio.e2e.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pod network and cluster DNS of process mode. Each pod gets an address of its own on the
 * loopback network (Linux routes all of 127.0.0.0/8 there), so two sandbox pods can both listen
 * on 9000 and 9001 as in a cluster; a Service that selects a pod gets a name, {@code
 * <service>.<namespace>.svc}, in a hosts file the runtime's JVMs resolve through
 * ({@code -Djdk.net.hosts.file}, which the JDK reads at each lookup). What the operator writes
 * (the daemon's Service in the claim's status) is therefore what the runtime really connects to.
 */
final class ClusterNetwork {
  private final Path hostsFile;
  private final AtomicInteger nextPod = new AtomicInteger(1);
  private final Map<String, String> names = new TreeMap<>();
  private final String fixedEntries;

  ClusterNetwork(Path dir) {
    this.hostsFile = dir.resolve("hosts");
    var fixed = new StringBuilder("127.0.0.1 localhost\n");
    try {
      // Libraries ask for the machine's own name; with a hosts file it must be in it.
      fixed.append("127.0.0.1 ").append(InetAddress.getLocalHost().getHostName()).append('\n');
    } catch (IOException e) {
      // No name of its own: nothing to add.
    }
    this.fixedEntries = fixed.toString();
    write();
  }

  /** The JVM option that makes a process resolve cluster names. */
  String jvmOption() {
    return "-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath();
  }

  /** A new pod address: 127.1.x.y. */
  String podAddress() {
    int n = nextPod.getAndIncrement();
    return "127.1." + (n / 250) + "." + (1 + n % 250);
  }

  synchronized void name(String host, String address) {
    if (!address.equals(names.put(host, address))) {
      write();
    }
  }

  synchronized void forget(String host) {
    if (names.remove(host) != null) {
      write();
    }
  }

  synchronized Optional<String> address(String host) {
    return Optional.ofNullable(names.get(host));
  }

  private void write() {
    var lines = new StringBuilder(fixedEntries);
    names.forEach((host, address) -> lines.append(address).append(' ').append(host).append('\n'));
    try {
      Files.createDirectories(hostsFile.getParent());
      Path next = hostsFile.resolveSibling("hosts.next");
      Files.writeString(next, lines);
      Files.move(next, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
