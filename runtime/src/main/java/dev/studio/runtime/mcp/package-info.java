/**
 * The MCP mesh (DESIGN §8): an org's connections to downstream MCP servers with their credentials
 * sealed by the vault, one SDK client per connection, the {@code /mcp} proxy routes for external
 * clients (one connection, or a virtual MCP aggregating several), the audit of their tool calls,
 * and the same tools in-process for the worker's agent loop.
 */
package dev.studio.runtime.mcp;
