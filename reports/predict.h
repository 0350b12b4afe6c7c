#ifndef OCLAB_REPORTS_PREDICT_H
#define OCLAB_REPORTS_PREDICT_H
/* Predicted decode speed of a few fixed model configurations at a few contexts, from a profile: the
 * roofline's speed of light (roofline/model.h, from the dram and f32 ceilings) and the speed the
 * profile's measured kernels would deliver (roofline/expect.h). */
#include <stddef.h>
#include <stdint.h>

#include "reports/view.h"

#define RPT_PREDICT_CONTEXTS 3

typedef struct {
    char label[96];        /* "Llama-2-7B q4_0, f16 KV" */
    uint64_t context;
    int in_window;         /* the context fits the model's window; else nothing is predicted */
    double light_tokens_per_s;    /* NAN when not predicted (why: in light_why) */
    int compute_bound;
    double expected_tokens_per_s; /* NAN when not predicted (why: in expected_why) */
    char light_why[256], expected_why[256];
} rpt_prediction;

/* How many configurations there are, and the contexts each is predicted at. */
int rpt_predict_count(void);
uint64_t rpt_predict_context(int c);

/* Configuration I at context C (0 <= C < RPT_PREDICT_CONTEXTS) on profile V; always fills OUT. */
void rpt_predict(const rpt_profile *v, int i, int c, rpt_prediction *out);

#endif
