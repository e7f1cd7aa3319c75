/**
 * The link program ({@code java -jar studio-runtime.jar link --url <platform>}, token in {@code
 * STUDIO_TOKEN}): on the user's machine it heartbeats presence, long-polls for the user's runs and
 * runs each with the workers' own {@link dev.studio.runtime.agent.AgentLoop}; its model is the
 * platform's (called through the platform), its sandbox tools work in a local sandbox daemon per
 * project, its other tools are the platform's (by signed URLs), and its output goes back to the
 * platform in ordered chunks. It holds the user's token and nothing else: no NATS, database or
 * model credentials.
 */
package dev.studio.runtime.link.client;
