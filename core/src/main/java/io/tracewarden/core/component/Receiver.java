package io.tracewarden.core.component;

/** Brings telemetry into the service. One instance serves every pipeline that names it. */
public interface Receiver extends Component {}
