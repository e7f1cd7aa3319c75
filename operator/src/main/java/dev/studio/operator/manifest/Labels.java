package dev.studio.operator.manifest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code app.kubernetes.io/*} labels every child carries, and selectors built from them. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PART_OF = "app.kubernetes.io/part-of";

  /** Pods of a WorkerPool carry its name, so the pool's selector matches only them. */
  public static final String WORKER_POOL = "studio.dev/workerpool";

  public static final String APP = "studio";
  public static final String OPERATOR = "studio-operator";

  /** Everything this operator manages and nothing else: informers watch only these. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  /** The immutable selector of a component's pods. */
  public static Map<String, String> selector(String instance, String component) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, instance);
    labels.put(COMPONENT, component);
    return labels;
  }

  /** The full label set of a child: its selector plus who manages it. */
  public static Map<String, String> of(String instance, String component) {
    var labels = selector(instance, component);
    labels.put(PART_OF, APP);
    labels.put(MANAGED_BY, OPERATOR);
    return labels;
  }

  /** A label map in the {@code k=v,k=v} form of a label selector string. */
  public static String asSelectorString(Map<String, String> labels) {
    return labels.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
