/**
 * The bundle SPI: what a JVM bundle implements. A bundle jar names its {@link
 * dev.studio.bundle.spi.StudioBundle} in {@code META-INF/services/dev.studio.bundle.spi.StudioBundle};
 * the platform loads it in a class loader of its own, in which only this package is shared with the
 * platform, so a bundle's dependencies never clash with the platform's.
 *
 * <p>Values cross the boundary as JDK types only: JSON arrives as {@code Map<String, Object>},
 * {@code List<Object>}, {@code String}, {@code Number}, {@code Boolean} or null, and what a bundle
 * returns is turned into JSON from the same types.
 */
package dev.studio.bundle.spi;
