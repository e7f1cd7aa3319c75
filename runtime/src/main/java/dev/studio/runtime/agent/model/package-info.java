/**
 * Model providers behind one interface: Anthropic's Messages API and OpenAI-compatible chat
 * completions (both streaming, with tool calls, retries with backoff and timeouts), and {@code
 * dev}, a deterministic offline model for trials and tests.
 */
package dev.studio.runtime.agent.model;
