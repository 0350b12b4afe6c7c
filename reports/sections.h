#ifndef OCLAB_REPORTS_SECTIONS_H
#define OCLAB_REPORTS_SECTIONS_H
/* The tables of one device's report, in order: run, device, ceilings, ridge points, kernels,
 * predicted decode, skipped, measurements (one table per member, rendered generically),
 * environment. The HTML and Markdown renderers show the same list. */
#include "reports/table.h"
#include "reports/view.h"

/* Appends the tables to LIST; check rpt_tables_ok afterwards. */
void rpt_device_tables(const rpt_profile *v, rpt_tables *list);

/* The one-cell text of a kernel's shape for tables and legends: "gemv q4_0 m=1 n=4096 k=4096". */
void rpt_kernel_name(const rpt_kernel *k, char *out, size_t out_len);

#endif
