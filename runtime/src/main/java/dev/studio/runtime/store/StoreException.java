package dev.studio.runtime.store;

import java.sql.SQLException;

/** A statement PostgreSQL refused or could not run; the driver's exception is the cause. */
public final class StoreException extends RuntimeException {
  StoreException(SQLException cause) {
    super(cause.getMessage(), cause);
  }
}
