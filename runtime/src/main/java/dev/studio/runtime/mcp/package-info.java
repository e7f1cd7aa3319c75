/**
 * The MCP mesh (DESIGN §8): an org's connections to downstream MCP servers with their credentials
 * sealed by the vault; the {@code /mcp/{connectionId}} route for external clients, forwarding the
 * Streamable-HTTP exchange at the HTTP level with the vault's credentials; virtual MCPs aggregating
 * several connections through one SDK client per connection; the audit of tool calls; the RFC 9728
 * metadata and the {@code /oauth-proxy} authorization flow for downstreams that take OAuth; a NATS
 * broadcast of connection changes; and the same tools in-process for the worker's agent loop.
 */
package dev.studio.runtime.mcp;
