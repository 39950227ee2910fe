package io.tracewarden.core.component;

/** A component outside the data path: admin server, authenticators, storage. */
public interface Extension extends Component {}
