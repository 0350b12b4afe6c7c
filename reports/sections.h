#ifndef OCLAB_REPORTS_SECTIONS_H
#define OCLAB_REPORTS_SECTIONS_H
/* The tables of one device's report. The head (head.c): warnings and flagged kernels, the device, the
 * ceilings (beside the vendor's figures where a spec sheet lists the device's OpenCL name), the median
 * decode efficiency per family, format and batch, and the predicted decode speed (light and expected).
 * The details (sections.c): one compact kernel table per family, sorted by efficiency, each variant a
 * short string with every parameter behind it; the baselines beside ours; the measurements each in a
 * table of its own; skipped items; the device's identity and environment. Details other than the
 * skipped items are HTML only. */
#include "reports/table.h"
#include "reports/view.h"

void rpt_head_tables(const rpt_profile *v, rpt_tables *list);

/* Appends the details; check rpt_tables_ok afterwards. */
void rpt_device_tables(const rpt_profile *v, rpt_tables *list);

/* The predicted decode table of the head, alone (the comparison shows one per device). */
rpt_table *rpt_prediction_table(const rpt_profile *v);

/* The one-cell text of a kernel's shape for tables and legends: "gemv q4_0 m=1 n=4096 k=4096", with
 * " (clblast)" for a baseline. */
void rpt_kernel_name(const rpt_kernel *k, char *out, size_t out_len);

#endif
