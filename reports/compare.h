#ifndef OCLAB_REPORTS_COMPARE_H
#define OCLAB_REPORTS_COMPARE_H
/* The tables of a multi-device comparison, a column per device. The head: the devices, the ceilings and
 * ridge points (with the vendor's share where a spec sheet lists a device), the median decode efficiency
 * per family, format and batch, and the predicted decode speed (light / expected). The body (HTML only):
 * each kernel measured and verified on every device, its best variant's GB/s and efficiency. */
#include "reports/table.h"
#include "reports/view.h"

void rpt_compare_tables(const rpt_profile *const *v, int n, rpt_tables *head, rpt_tables *body);

/* The best verified kernel of V with the same family, baseline, format and shape as K (highest GB/s),
 * or NULL. */
const rpt_kernel *rpt_find_kernel(const rpt_profile *v, const rpt_kernel *k);

#endif
