/**
 * Desktop links: a user's own machine runs their agent loop against a sandbox on that machine.
 *
 * <p>The platform side lives here: presence ({@link dev.studio.runtime.link.Presence}, the NATS KV
 * bucket {@code studio_links}), the pull transport ({@link dev.studio.runtime.link.LinkWork}, the
 * JetStream work queue {@code link.work.<user>}), the routing of a linked user's runs onto it
 * ({@link dev.studio.runtime.link.LinkHandoff}), the routes a link calls ({@link
 * dev.studio.runtime.link.LinkRoutes}, {@link dev.studio.runtime.link.LinkRunRoutes}) and the
 * watcher that ends or re-dispatches the runs of a link that went away ({@link
 * dev.studio.runtime.link.LinkWatcher}). The link program itself is {@code .client}.
 * docs/desktop-link.md describes the protocol.
 */
package dev.studio.runtime.link;
