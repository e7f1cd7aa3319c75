package dev.studio.runtime.stream;

/** An event as a viewer gets it: its stream sequence (the SSE id), name and JSON data. */
public record StreamEvent(long seq, String type, String data) {}
