#ifndef OCLAB_REPORTS_PREDICT_H
#define OCLAB_REPORTS_PREDICT_H
/* Roofline-predicted decode speed for a few fixed model configurations (roofline/model.h), from a
 * profile's dram bandwidth and f32 compute ceilings: the speed of light, not a measurement. */
#include <stddef.h>

#include "reports/view.h"

typedef struct {
    char label[96]; /* "Llama-2-7B q4_0, batch 1, context 512 (f16 KV)" */
    double tokens_per_s;
    double ms_per_token;
    int compute_bound;
} rpt_prediction;

/* How many cases there are. */
int rpt_predict_count(void);

/* Case I on profile V. 0 ok; -1 with the reason in err (model config not found, no dram or f32
 * ceiling); out->label is filled either way. */
int rpt_predict(const rpt_profile *v, int i, rpt_prediction *out, char *err, size_t err_len);

#endif
