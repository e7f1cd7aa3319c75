package dev.studio.daemon.preview;

import java.util.zip.Inflater;

/**
 * Decodes a gzip stream (RFC 1952) pushed in arbitrary pieces: the member header with its optional fields, the
 * deflate data, the 8-byte trailer, and further members if any.
 */
final class GzipDecoder extends InflatingStage {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private enum State { HEADER, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DATA, TRAILER }

  private State state = State.HEADER;
  private int flags;
  /** Bytes still to skip (or read) in the current header field or trailer. */
  private int count;
  private int fixedHeaderRead;
  private int extraLength;

  GzipDecoder(StreamStage next) {
    super(next);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    int at = offset;
    int end = offset + length;
    while (at < end) {
      switch (state) {
        case HEADER -> {
          byte b = bytes[at++];
          if ((fixedHeaderRead == 0 && b != 0x1f) || (fixedHeaderRead == 1 && b != (byte) 0x8b)) {
            throw new CorruptBodyException("not a gzip stream");
          }
          if (fixedHeaderRead == 3) {
            flags = b & 0xff;
          }
          if (++fixedHeaderRead == 10) {
            afterFixedHeader();
          }
        }
        case EXTRA_LENGTH -> {
          extraLength |= (bytes[at++] & 0xff) << (8 * (2 - count));
          if (--count == 0) {
            count = extraLength;
            state = count == 0 ? afterExtra() : State.EXTRA;
          }
        }
        case EXTRA -> {
          int skip = Math.min(count, end - at);
          at += skip;
          count -= skip;
          if (count == 0) {
            state = afterExtra();
          }
        }
        case NAME -> {
          if (bytes[at++] == 0) {
            state = afterName();
          }
        }
        case COMMENT -> {
          if (bytes[at++] == 0) {
            state = afterComment();
          }
        }
        case HEADER_CRC -> {
          at++;
          if (--count == 0) {
            startData();
          }
        }
        case DATA -> {
          int unused = inflate(bytes, at, end - at);
          at = end - unused;
          if (inflater.finished()) {
            inflater.end();
            inflater = null;
            state = State.TRAILER;
            count = 8;
          }
        }
        case TRAILER -> {
          int skip = Math.min(count, end - at);
          at += skip;
          count -= skip;
          if (count == 0) {
            // Another member may follow (concatenated gzip streams decode as one).
            state = State.HEADER;
            fixedHeaderRead = 0;
          }
        }
      }
    }
  }

  @Override
  public void finish() {
    finishNext();
  }

  private void afterFixedHeader() {
    if ((flags & FEXTRA) != 0) {
      state = State.EXTRA_LENGTH;
      count = 2;
      extraLength = 0;
    } else {
      state = afterExtra();
    }
  }

  private State afterExtra() {
    return (flags & FNAME) != 0 ? State.NAME : afterName();
  }

  private State afterName() {
    return (flags & FCOMMENT) != 0 ? State.COMMENT : afterComment();
  }

  private State afterComment() {
    if ((flags & FHCRC) != 0) {
      count = 2;
      return State.HEADER_CRC;
    }
    startData();
    return State.DATA;
  }

  private void startData() {
    inflater = new Inflater(true);
    state = State.DATA;
  }
}
