#ifndef OCLAB_REPORTS_FMT_H
#define OCLAB_REPORTS_FMT_H
/* Number formatting shared by every renderer, so the SVG, HTML and Markdown agree digit for digit.
 * A missing value (NAN) prints as RPT_DASH. Each function writes into OUT and returns it. */
#include <stddef.h>

#define RPT_DASH "-"

/* For people: two decimals from 0.1 to 10, one from 10, none from 100 up, three significant figures
 * below 0.1: 0.0123, 0.69, 5.25, 47.3, 1234. */
char *rpt_fmt_num(double v, char *out, size_t out_len);

/* A count with a decimal multiplier, three figures: "512", "12.3 k", "131 M", "6.61 B", "1.2 T". */
char *rpt_fmt_count(double v, char *out, size_t out_len);

/* A fraction as a percentage with one decimal: 0.6321 -> "63.2%". */
char *rpt_fmt_percent(double fraction, char *out, size_t out_len);

/* Seconds in a readable unit: "812 ns", "45.3 us", "12.5 ms", "1.20 s". */
char *rpt_fmt_time(double seconds, char *out, size_t out_len);

/* A decimal byte size: "33.6 MB", "512 B". */
char *rpt_fmt_size(double bytes, char *out, size_t out_len);

/* Decimal byte sizes with the exact count: "25.2 GB (25165824000 B)"; "512 B" below 1 kB. */
char *rpt_fmt_bytes(double bytes, char *out, size_t out_len);

/* Axis tick of a power of ten: "0.01", "1", "1000", "1e+06" beyond. */
char *rpt_fmt_tick(double v, char *out, size_t out_len);

/* Unit of a compute ceiling: "GOP/s" for integer precisions (int8, int32, ...), else "GFLOP/s". */
const char *rpt_compute_unit(const char *precision);

#endif
