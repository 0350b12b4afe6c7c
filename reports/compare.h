#ifndef OCLAB_REPORTS_COMPARE_H
#define OCLAB_REPORTS_COMPARE_H
/* The tables of a multi-device comparison: the devices, then one side-by-side table (a column per
 * device) of ceilings, ridge points, each kernel measured and verified on every device (its best
 * variant's GB/s and efficiency) and the predicted decode speed. */
#include "reports/table.h"
#include "reports/view.h"

void rpt_compare_tables(const rpt_profile *const *v, int n, rpt_tables *list);

/* The best verified kernel of V with the same family, format and shape as K (highest GB/s), or NULL. */
const rpt_kernel *rpt_find_kernel(const rpt_profile *v, const rpt_kernel *k);

#endif
