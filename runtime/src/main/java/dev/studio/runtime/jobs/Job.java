package dev.studio.runtime.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/** A unit of background work: its stream id, kind, payload, and how often it was delivered. */
public record Job(String id, String kind, JsonNode payload, String dedupeKey, long deliveries) {}
