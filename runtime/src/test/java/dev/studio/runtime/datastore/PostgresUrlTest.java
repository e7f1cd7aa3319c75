package dev.studio.runtime.datastore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Secret;
import org.junit.jupiter.api.Test;

class PostgresUrlTest {

  @Test
  void theFormCloudNativePgWrites() {
    var url = PostgresUrl.parse("DATABASE_URL", "postgresql://app:Zx%40y%3Aw@cluster-rw.db.svc:5432/app?sslmode=verify-full&application_name=studio");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://cluster-rw.db.svc:5432/app?sslmode=verify-full&ApplicationName=studio");
    assertThat(url.user()).contains("app");
    assertThat(url.password()).map(Secret::reveal).contains("Zx@y:w");
    assertThat(url.toString()).doesNotContain("Zx@y:w");
  }

  @Test
  void hostsPortsAndParameters() {
    assertThat(PostgresUrl.parse("X", "postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write&connect_timeout=5").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=primary&connectTimeout=5");
    assertThat(PostgresUrl.parse("X", "postgres://[::1]:5432/db").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
    assertThat(PostgresUrl.parse("X", "postgres:///db?user=me&password=pw").user()).contains("me");
    assertThat(PostgresUrl.parse("X", "postgres:///db?user=me&password=pw").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/db");
  }

  @Test
  void jdbcUrlsPassThrough() {
    var url = PostgresUrl.parse("X", "jdbc:postgresql://pg:5432/studio?user=studio&password=x");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://pg:5432/studio?user=studio&password=x");
    assertThat(url.user()).isEmpty();
  }
}
