/** PostgreSQL, the system of record: versioned migrations and the Jdbi repositories. */
package dev.studio.runtime.store;
