/**
 * The HTTP surface: Javalin set-up, the JSON error shape, health and metrics. Feature routes live
 * with their features and register themselves as {@link dev.studio.runtime.http.RouteGroup}s.
 */
package dev.studio.runtime.http;
