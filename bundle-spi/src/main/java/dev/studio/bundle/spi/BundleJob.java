package dev.studio.bundle.spi;

import java.util.Map;

/**
 * A background job for a bundle.
 *
 * @param id stable across deliveries of the same job
 * @param workKind what to do (a schedule's {@code workKind}, or the kind it was submitted with)
 * @param org the organisation that submitted it; null for a schedule's job
 * @param payload free-form input
 * @param delivery 1 on the first delivery
 */
public record BundleJob(String id, String workKind, String org, Map<String, Object> payload, long delivery) {
  public BundleJob {
    payload = JsonValues.copy(payload);
  }
}
