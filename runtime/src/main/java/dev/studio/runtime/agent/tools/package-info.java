/**
 * Tools the agent loop can call. Each says whether it is idempotent: a run resumed after its
 * worker was lost executes the tool call it was in again only if it is. Sandbox and MCP tools plug
 * in through the same interface.
 */
package dev.studio.runtime.agent.tools;
