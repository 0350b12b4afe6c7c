#ifndef OCLAB_REPORTS_DIFF_H
#define OCLAB_REPORTS_DIFF_H
/* oclab compare: what moved between two profiles of one device (a stored base and a current run), and
 * whether anything regressed beyond a tolerance, for CI.
 *
 * Matched by identity: the device by name, vendor, platform and type (its driver may change: that is
 * what a comparison is for); ceilings by memory level or precision; kernels by family, baseline library,
 * format and shape, each the best verified variant; predictions by model, formats and context (the
 * report head's, predict.h), light and expected.
 * A regression: a ceiling, a kernel's efficiency or a predicted tokens/s lower by more than the
 * tolerance (a relative change); a ceiling, kernel or prediction of the base that the current profile
 * lacks; a kernel that no longer verifies. Anything new is reported, never a regression. */
#include <stddef.h>

#include "reports/view.h"

typedef enum { RPT_MOVE_CEILING, RPT_MOVE_KERNEL, RPT_MOVE_PREDICTION } rpt_move_kind;

typedef struct {
    rpt_move_kind kind;
    char what[192];      /* "dram (GB/s)", "gemv q4_0 m=1 n=4096 k=4096", "Llama-2-7B q4_0, f16 KV, ctx 4096: expected" */
    char unit[16];       /* "GB/s", "efficiency", "tokens/s" */
    double base, current; /* NAN on the side that lacks it */
    double change;       /* current / base - 1; NAN when either side lacks it */
    int regression;
    const char *status;  /* "regression", "improvement", "within tolerance", "missing", "no longer verified", "new" */
} rpt_move;

typedef struct {
    rpt_move *items;
    int n, cap;
    int regressions, improvements, steady; /* steady: within the tolerance */
    double tolerance;    /* a fraction: 0.05 */
    int failed;          /* out of memory */
} rpt_diff;

/* Compares CURRENT against BASE. 0 ok; -1 with a one-line reason when they are profiles of different
 * devices, or out of memory. */
int rpt_diff_profiles(const rpt_profile *base, const rpt_profile *current, double tolerance, rpt_diff *out,
                      char *err, size_t err_len);
void rpt_diff_free(rpt_diff *d);

/* The moves for people: a header (devices, runs, tolerance, the verdict), the regressions, then the
 * improvements beyond the tolerance, then a count of the rest; MARKDOWN for a pull-request comment
 * (GitHub Markdown: the smaller moves folded in a <details>, long tables cut with a count). Malloc'd,
 * NULL when out of memory. */
char *rpt_diff_render(const rpt_diff *d, const rpt_profile *base, const rpt_profile *current, int markdown);

#endif
