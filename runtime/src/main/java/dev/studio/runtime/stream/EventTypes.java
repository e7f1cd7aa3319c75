package dev.studio.runtime.stream;

/** The event names of the run stream (DESIGN §5.4). */
public final class EventTypes {
  public static final String RUN_QUEUED = "run.queued";
  public static final String RUN_STARTED = "run.started";
  public static final String MESSAGE_DELTA = "message.delta";
  public static final String TOOL_CALL = "tool.call";
  public static final String TOOL_RESULT = "tool.result";
  public static final String MESSAGE_COMPLETED = "message.completed";
  public static final String RUN_COMPLETED = "run.completed";
  public static final String RUN_FAILED = "run.failed";
  public static final String RUN_INTERRUPTED = "run.interrupted";
  public static final String RUN_CANCELLED = "run.cancelled";
  public static final String CONV_STATUS = "conv.status";

  private EventTypes() {}
}
