package io.tracewarden.guard;

import java.util.List;

/**
 * What one SQL statement does, as far as the guard cares.
 *
 * @param kind {@code select}, {@code export} ({@code COPY ... TO}, {@code INTO OUTFILE}) or
 *     {@code other}
 * @param star whether it selects {@code *} or {@code t.*} (also {@code TABLE t})
 * @param unbounded whether nothing limits the rows: no {@code WHERE} (or a tautology such as
 *     {@code 1=1}), and no {@code LIMIT}/{@code TOP}/{@code FETCH} of at most
 *     {@link SqlParser#BULK_ROWS} rows
 * @param tables lower-case table names without schema or quotes
 * @param columns lower-case selected column names and aliases without table prefix
 */
record SqlStatement(String kind, boolean star, boolean unbounded, List<String> tables,
    List<String> columns) {}
