/**
 * Live output (DESIGN §5.4): workers publish each run's events to JetStream on {@code
 * studio.stream.<thread>}; the api serves them over SSE with the stream sequence as the event id,
 * so a client resuming with {@code Last-Event-ID} misses nothing and sees nothing twice. One
 * JetStream consumer per thread per process fans out to every viewer ({@link StreamHub}), writing
 * each event to the viewers' sockets from the thread that delivered it ({@link Viewer}).
 */
package dev.studio.runtime.stream;
