package dev.studio.e2e.process;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A pod's volumes as directories of its own: emptyDirs empty, ConfigMaps written out as files. */
final class PodVolumes {
  private final Map<String, Path> byName;

  private PodVolumes(Map<String, Path> byName) {
    this.byName = byName;
  }

  static PodVolumes create(Path podDir, List<Volume> declared, Function<String, ConfigMap> configMaps) throws IOException {
    Map<String, Path> volumes = new HashMap<>();
    for (Volume volume : declared == null ? List.<Volume>of() : declared) {
      Path path = Files.createDirectories(podDir.resolve("volumes").resolve(volume.getName()));
      if (volume.getConfigMap() != null) {
        var map = configMaps.apply(volume.getConfigMap().getName());
        if (map != null && map.getData() != null) {
          for (var entry : map.getData().entrySet()) {
            Files.writeString(path.resolve(entry.getKey()), entry.getValue());
          }
        }
      }
      volumes.put(volume.getName(), path);
    }
    return new PodVolumes(volumes);
  }

  /** The local directory of the volume the container mounts at exactly {@code mountPath}, or null. */
  Path mounted(Container container, String mountPath) {
    for (VolumeMount mount : mounts(container)) {
      if (mount.getMountPath().equals(mountPath)) {
        return byName.get(mount.getName());
      }
    }
    return null;
  }

  /** A path as the container sees it, translated to where it is here (unchanged if under no mount). */
  String local(Container container, String path) {
    for (VolumeMount mount : mounts(container)) {
      String at = mount.getMountPath();
      if (path.equals(at) || path.startsWith(at + "/")) {
        return byName.get(mount.getName()).resolve(path.equals(at) ? "" : path.substring(at.length() + 1)).toString();
      }
    }
    return path;
  }

  private static List<VolumeMount> mounts(Container container) {
    return container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
  }
}
