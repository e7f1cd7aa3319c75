/**
 * The studio web app: its files ship on the classpath under {@code web/}; {@link
 * dev.studio.runtime.web.WebBuild} gives every asset a content-hashed name (so browsers may cache
 * it forever), {@link dev.studio.runtime.web.WebRoutes} serves the result in the api roles and
 * {@link dev.studio.runtime.web.WebAssets} exports the same files for the web tier's nginx.
 */
package dev.studio.runtime.web;
