#ifndef OCLAB_REPORTS_GROUPS_H
#define OCLAB_REPORTS_GROUPS_H
/* A profile's kernels in groups of one family, format and batch class (M = 1 or M > 1), each group's
 * efficiency summed up by its median: the numbers a summary shows instead of every kernel. Counted:
 * verified results that are not flagged (above their roof, suspect); a peer library's baseline makes a
 * group of its own. */
#include <stddef.h>

#include "reports/view.h"

#define RPT_MAX_GROUPS 64

typedef struct {
    char family[32], baseline[32], format[32];
    int batched;         /* M > 1 (batch > 1) */
    int n;               /* kernels in the group */
    double median, min, max;          /* efficiency */
    double median_vs_probe;           /* NAN when no kernel has one */
} rpt_group;

/* The groups of V, ordered by family (ours, then baselines), format (f32, f16, bf16, q8_0, q4_0, i8_pc,
 * others by name) and batch class. Returns how many (at most CAP). */
int rpt_groups(const rpt_profile *v, rpt_group *out, int cap);

/* "gemv q4_0 M=1", "attention q8_0 batch>1", "gemv f32 M=1 (clblast)". */
void rpt_group_name(const rpt_group *g, char *out, size_t len);

/* Whether kernel K belongs in a group (see above). */
int rpt_group_member(const rpt_kernel *k);

#endif
