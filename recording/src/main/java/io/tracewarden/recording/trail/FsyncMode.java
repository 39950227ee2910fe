package io.tracewarden.recording.trail;

/** When appended records reach stable storage. */
public enum FsyncMode {
  /** One fsync per batch drained from the queue (group commit); acks wait for it. */
  BATCH,
  /** One fsync per record. */
  ALWAYS,
  /** Never fsync; acks mean "written to the OS". */
  NEVER
}
