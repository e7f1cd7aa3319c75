package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool as offered to a model: name, what it does, and the JSON schema of its arguments. */
public record ToolSpec(String name, String description, JsonNode inputSchema) {}
