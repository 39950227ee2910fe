package io.tracewarden.recording.trail;

import java.io.IOException;

/** The trail is damaged where a crash cannot have damaged it: appending would hide evidence. */
public final class TamperedTrailException extends IOException {

  private static final long serialVersionUID = 1L;

  public TamperedTrailException(String message) {
    super(message);
  }
}
