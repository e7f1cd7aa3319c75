/**
 * The agent loop workers run: call the model, execute the tool calls it makes, repeat, at most
 * {@code maxSteps} times, journaling every step and streaming what it produces.
 */
package dev.studio.runtime.agent;
