/**
 * How the operator talks to a platform's api: with the platform's admin token, at the address the
 * operator's settings give for it. The operator never talks to a platform's datastores.
 */
package dev.studio.operator.platform;
