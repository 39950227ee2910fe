package io.tracewarden.exporters.debug;

import io.tracewarden.core.config.ConfigSection;

/**
 * Config of the {@code debug} exporter.
 *
 * @param verbosity how much of each request is printed
 * @param samplingInitial requests printed in full each second before sampling starts
 * @param samplingThereafter after that, one request in this many is printed in that second
 */
record DebugExporterConfig(Verbosity verbosity, int samplingInitial, int samplingThereafter) {

  static DebugExporterConfig read(ConfigSection config) {
    String verbosity = config.oneOf("verbosity", "basic", "basic", "normal", "detailed");
    int initial = config.integer("sampling_initial", 2, 1, Integer.MAX_VALUE);
    int thereafter = config.integer("sampling_thereafter", 1, 1, Integer.MAX_VALUE);
    return new DebugExporterConfig(Verbosity.valueOf(verbosity.toUpperCase(java.util.Locale.ROOT)),
        initial, thereafter);
  }

  /** The Collector's levels. */
  enum Verbosity {
    /** One line per request with counts. */
    BASIC,
    /** Also one line per span, log record or metric. */
    NORMAL,
    /** Every span, log record and metric with resource, scope, attributes, events and links. */
    DETAILED
  }
}
