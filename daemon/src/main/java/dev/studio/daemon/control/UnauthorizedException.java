package dev.studio.daemon.control;

/** The request carried no bearer token, or not the current one. */
final class UnauthorizedException extends RuntimeException {
    UnauthorizedException() {
        super("a valid bearer token is required");
    }
}
