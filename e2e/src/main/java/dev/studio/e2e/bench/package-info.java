/**
 * Benchmarks, run on demand: {@code ./mvnw -B -Pbench -pl e2e -am verify -DskipTests
 * -Dbench=<names>}. Each prints a table and writes JSON to {@code e2e/target/bench/<name>.json}.
 * Figures that depend on the machine are reported as ratios to a baseline measured in the same
 * run, with medians and their spread.
 */
package dev.studio.e2e.bench;
