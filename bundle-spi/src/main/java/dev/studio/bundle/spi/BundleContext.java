package dev.studio.bundle.spi;

import java.util.Map;

/** What the platform tells a bundle about itself. */
public interface BundleContext {
  /** The Bundle resource's name. */
  String name();

  /** The revision this instance serves (a commit, or a content digest). */
  String revision();

  /** Deployment-scoped props from the Bundle resource; always the current ones. */
  Map<String, Object> props();

  /** Deployment-scoped secrets (the Bundle's secretsRef); never log them. */
  Map<String, String> secrets();

  /** A logger named after the bundle. */
  System.Logger logger();
}
