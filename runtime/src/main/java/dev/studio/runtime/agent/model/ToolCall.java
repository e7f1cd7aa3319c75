package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool call a model asked for: its id (to answer it by), the tool, and JSON arguments. */
public record ToolCall(String id, String name, JsonNode arguments) {}
