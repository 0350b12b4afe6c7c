/* A GEMV problem on the device: data, split layout, cold copies, reference, kernel builds and checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cl/error.h"
#include "host/cl/log.h"
#include "host/decode/gemv.h"
#include "roofline/quant.h"

/* splitmix64: reproducible inputs without libc's rand state. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static float uniform(uint64_t *state) /* [-1, 1) */
{
    return (float)((double)(next_u64(state) >> 11) * 0x1.0p-52 - 1.0);
}

void oclab_gemv_split_layout(rl_format format, const void *encoded, uint64_t n, uint64_t k, void *scratch,
                             const void **w, uint64_t *w_bytes, const void **s, uint64_t *s_bytes)
{
    uint64_t blocks = n * (k / RL_QK);
    *w = encoded;
    *s = encoded;
    *s_bytes = 0;
    switch (format) {
    case RL_FMT_F32:
        *w_bytes = n * k * 4;
        break;
    case RL_FMT_F16:
        *w_bytes = n * k * 2;
        break;
    case RL_FMT_I8_PC:
        *w_bytes = n * k;
        *s = (const unsigned char *)encoded + n * k;
        *s_bytes = n * 4;
        break;
    case RL_FMT_Q8_0:
    case RL_FMT_Q4_0: {
        /* Blocks are in row order, so block i's quants go to i * qbytes and its scale to slot i. */
        size_t qbytes = format == RL_FMT_Q8_0 ? RL_QK : RL_QK / 2;
        size_t bbytes = format == RL_FMT_Q8_0 ? sizeof(rl_block_q8_0) : sizeof(rl_block_q4_0);
        unsigned char *qs = scratch, *ds = qs + blocks * qbytes;
        const unsigned char *src = encoded;
        for (uint64_t i = 0; i < blocks; i++) {
            memcpy(ds + 2 * i, src + i * bbytes, 2);
            memcpy(qs + i * qbytes, src + i * bbytes + 2, qbytes);
        }
        *w = qs;
        *w_bytes = blocks * qbytes;
        *s = ds;
        *s_bytes = blocks * 2;
        break;
    }
    default:
        *w_bytes = 0;
        break;
    }
}

uint64_t oclab_gemv_il_bytes(uint64_t n, uint64_t row_bytes, uint64_t g)
{
    return (n + g - 1) / g * g * row_bytes;
}

void oclab_gemv_interleave(const void *src, uint64_t n, uint64_t row_bytes, uint64_t elem, uint64_t g,
                           void *dst)
{
    const unsigned char *in = src;
    unsigned char *out = dst;
    uint64_t per_row = row_bytes / elem;
    memset(out, 0, oclab_gemv_il_bytes(n, row_bytes, g));
    for (uint64_t row = 0; row < n; row++) {
        unsigned char *group = out + row / g * g * row_bytes + row % g * elem;
        for (uint64_t e = 0; e < per_row; e++)
            memcpy(group + e * g * elem, in + row * row_bytes + e * elem, elem);
    }
}

/* Rows per interleaved group of LAYOUT; 0 for the rows layout. */
static uint64_t group_rows(int layout)
{
    return layout == OCLAB_GEMV_ROWS ? 0 : 2u << layout;
}

/* Bytes of the split layout that one lane of an interleaved vector holds: a weight, or q4_0's 4 bytes
 * (8 nibbles, unpacked in place: kernels/gemv.cl); and a scale. */
static uint64_t weight_elem(rl_format format)
{
    return format == RL_FMT_F32 || format == RL_FMT_Q4_0 ? 4 : format == RL_FMT_F16 ? 2 : 1;
}

static uint64_t scale_elem(rl_format format)
{
    return format == RL_FMT_I8_PC ? 4 : 2;
}

cl_int oclab_gemv_problem_create(oclab_cl *cl, rl_format format, uint64_t n, uint64_t k, uint64_t m_max,
                                 int copies, uint64_t seed, oclab_gemv_problem *p)
{
    cl_int err = CL_SUCCESS;
    float *w = NULL, *xs = NULL, *xpad = NULL;
    void *encoded = NULL, *scratch = NULL;
    char reason[256] = "";
    memset(p, 0, sizeof *p);
    p->format = format;
    p->n = n;
    p->k = k;
    p->m_max = m_max;
    if (rl_weight_bytes(format, n, k, &p->weight_bytes, reason, sizeof reason) != 0) {
        oclab_error("gemv %s %llux%llu: %s", rl_format_name(format), (unsigned long long)n,
                    (unsigned long long)k, reason);
        return CL_INVALID_VALUE;
    }
    uint64_t state = seed;
    w = malloc(n * k * sizeof *w);
    encoded = malloc(p->weight_bytes);
    scratch = malloc(p->weight_bytes);
    p->x_host = malloc(m_max * k * sizeof *p->x_host);
    p->ref = malloc(m_max * n * sizeof *p->ref);
    if (!w || !encoded || !scratch || !p->x_host || !p->ref) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(gemv problem)");
    }
    /* Rows of different magnitude, and blocks of 32 weights within a row 2^-4 to 2^6 apart (three
     * orders of magnitude), so a kernel applying another row's or another block's scale cannot pass.
     * The smallest q8_0 / q4_0 block scales stay fp16 normals (exact under flush-to-zero). */
    for (uint64_t r = 0; r < n; r++) {
        float row_scale = 0.25f + 0.75f * (0.5f + 0.5f * uniform(&state)), block_scale = 1.0f;
        for (uint64_t j = 0; j < k; j++) {
            if (j % RL_QK == 0)
                block_scale = ldexpf(1.0f, (int)(next_u64(&state) % 11) - 4);
            w[r * k + j] = row_scale * block_scale * uniform(&state);
        }
    }
    for (uint64_t i = 0; i < m_max * k; i++)
        p->x_host[i] = uniform(&state);
    if (rl_encode_matrix(format, w, n, k, encoded) != 0) {
        err = CL_INVALID_VALUE;
        CL_CHECK("rl_encode_matrix");
    }
    free(w);
    w = NULL;
    rl_gemv_ref(format, encoded, n, k, p->x_host, m_max, p->ref);

    const void *wl, *sl;
    uint64_t wb, sb;
    oclab_gemv_split_layout(format, encoded, n, k, scratch, &wl, &wb, &sl, &sb);
    /* Formats without scales get a tiny unused buffer: a kernel argument cannot be NULL everywhere. */
    p->w_bytes = wb;
    p->s_bytes = sb ? sb : 4;
    p->host_w = malloc(p->w_bytes);
    p->host_s = calloc(1, p->s_bytes);
    if (!p->host_w || !p->host_s) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(weight layouts)");
    }
    memcpy(p->host_w, wl, wb);
    if (sb)
        memcpy(p->host_s, sl, sb);
    p->copies = copies;
    /* X rows padded to 16 floats (zeros) on the device, so the kernel's vector loads are aligned. */
    p->x_stride = (k + 15) / 16 * 16;
    xpad = calloc(m_max * p->x_stride, sizeof *xpad);
    if (!xpad) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(x)");
    }
    for (uint64_t i = 0; i < m_max; i++)
        memcpy(xpad + i * p->x_stride, p->x_host + i * k, k * sizeof *xpad);
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, m_max * p->x_stride * sizeof(float), xpad, &p->x));
    for (uint64_t i = 0; i < m_max; i++) /* X transposed, [k][m_max], for the interleaved kernels */
        for (uint64_t j = 0; j < k; j++)
            xpad[j * m_max + i] = p->x_host[i * k + j];
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, m_max * k * sizeof(float), xpad, &p->xt));
    /* Block sums of X: part of preparing the activations (as quantizing them is in llama.cpp). */
    uint64_t nblk = k / RL_QK;
    xs = calloc(m_max * nblk + 1, sizeof *xs);
    if (!xs) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(xs)");
    }
    for (uint64_t i = 0; i < m_max; i++)
        for (uint64_t b = 0; b < nblk; b++) {
            double sum = 0.0;
            for (int j = 0; j < RL_QK; j++)
                sum += p->x_host[i * k + b * RL_QK + j];
            xs[i * nblk + b] = (float)sum;
        }
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, (m_max * nblk + 1) * sizeof(float), xs, &p->xs));
    CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_WRITE, m_max * n * sizeof(float), NULL, &p->y));
cleanup:
    free(w);
    free(xs);
    free(xpad);
    free(encoded);
    free(scratch);
    if (err != CL_SUCCESS)
        oclab_gemv_problem_free(p);
    return err;
}

/* Copies [keep, held) of layout L released; the arrays stay. */
static void release_copies(oclab_gemv_problem *p, int l, int keep)
{
    for (int i = keep; i < p->held[l]; i++) {
        oclab_cl_release_mem(&p->w[l][i]);
        oclab_cl_release_mem(&p->s[l][i]);
    }
    if (p->held[l] > keep)
        p->held[l] = keep;
}

/* Layout L grown to COPIES device copies. */
static cl_int grow_copies(oclab_cl *cl, oclab_gemv_problem *p, int l, int copies)
{
    cl_int err = CL_SUCCESS;
    cl_mem **w = &p->w[l], **s = &p->s[l];
    void *ilw = NULL, *ils = NULL;
    const void *hw = p->host_w, *hs = p->host_s;
    uint64_t g = group_rows(l), wb = p->w_bytes, sb = p->s_bytes;
    int scaled = p->format == RL_FMT_Q8_0 || p->format == RL_FMT_Q4_0 || p->format == RL_FMT_I8_PC;
    if (copies <= p->held[l])
        return CL_SUCCESS;
    if (g) { /* derived for this upload only: on a CPU device host memory is device memory */
        wb = oclab_gemv_il_bytes(p->n, p->w_bytes / p->n, g);
        sb = scaled ? oclab_gemv_il_bytes(p->n, p->s_bytes / p->n, g) : p->s_bytes;
        ilw = malloc(wb);
        ils = calloc(1, sb);
        if (!ilw || !ils) {
            err = CL_OUT_OF_HOST_MEMORY;
            CL_CHECK("malloc(interleaved layout)");
        }
        oclab_gemv_interleave(p->host_w, p->n, p->w_bytes / p->n, weight_elem(p->format), g, ilw);
        if (scaled)
            oclab_gemv_interleave(p->host_s, p->n, p->s_bytes / p->n, scale_elem(p->format), g, ils);
        hw = ilw;
        hs = ils;
    }
    cl_mem *gw = realloc(*w, (size_t)copies * sizeof *gw);
    if (gw)
        *w = gw;
    cl_mem *gs = realloc(*s, (size_t)copies * sizeof *gs);
    if (gs)
        *s = gs;
    if (!gw || !gs) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("realloc(gemv copies)");
    }
    for (int i = p->held[l]; i < copies; i++) {
        (*w)[i] = (*s)[i] = NULL;
        CL_TRY(oclab_cl_buffer(cl, CL_MEM_READ_ONLY, wb, hw, &(*w)[i]));
        cl_int serr = oclab_cl_buffer(cl, CL_MEM_READ_ONLY, sb, hs, &(*s)[i]);
        if (serr != CL_SUCCESS) {
            oclab_cl_release_mem(&(*w)[i]);
            err = serr;
            goto cleanup;
        }
        p->held[l] = i + 1;
    }
cleanup:
    free(ilw);
    free(ils);
    return err;
}

cl_int oclab_gemv_problem_hold(oclab_cl *cl, oclab_gemv_problem *p, int layouts, int copies)
{
    cl_int err = CL_SUCCESS;
    if (copies < 1)
        copies = 1;
    /* releases first: the peak is the larger set, not their sum */
    for (int l = 0; l < OCLAB_GEMV_LAYOUTS; l++)
        release_copies(p, l, layouts & OCLAB_GEMV_MASK(l) ? copies : 0);
    for (int l = 0; l < OCLAB_GEMV_LAYOUTS; l++)
        if (layouts & OCLAB_GEMV_MASK(l))
            CL_TRY(grow_copies(cl, p, l, copies));
cleanup:
    return err;
}

int oclab_gemv_layout_of(const oclab_gemv_variant *v)
{
    return !v->il ? OCLAB_GEMV_ROWS : v->vec == 4 ? OCLAB_GEMV_IL4 : v->vec == 8 ? OCLAB_GEMV_IL8 : OCLAB_GEMV_IL16;
}

int oclab_gemv_held(const oclab_gemv_problem *p, const oclab_gemv_variant *v)
{
    return p->held[oclab_gemv_layout_of(v)];
}

void oclab_gemv_problem_free(oclab_gemv_problem *p)
{
    for (int l = 0; l < OCLAB_GEMV_LAYOUTS; l++) {
        release_copies(p, l, 0);
        free(p->w[l]);
        free(p->s[l]);
    }
    oclab_cl_release_mem(&p->xt);
    oclab_cl_release_mem(&p->x);
    oclab_cl_release_mem(&p->xs);
    oclab_cl_release_mem(&p->y);
    free(p->host_w);
    free(p->host_s);
    free(p->x_host);
    free(p->ref);
    memset(p, 0, sizeof *p);
}

static int format_code(rl_format format)
{
    switch (format) {
    case RL_FMT_F32: return 0;
    case RL_FMT_F16: return 1;
    case RL_FMT_Q8_0: return 2;
    case RL_FMT_Q4_0: return 3;
    case RL_FMT_I8_PC: return 4;
    default: return -1;
    }
}

int oclab_gemv_aligned16(rl_format format, uint64_t k)
{
    return (format != RL_FMT_I8_PC && format != RL_FMT_F32) || k % 16 == 0;
}

cl_int oclab_gemv_kernel_build(oclab_cl *cl, rl_format format, uint64_t m, const oclab_gemv_variant *v,
                               uint64_t k, oclab_gemv_kernel *kern)
{
    cl_int err = CL_SUCCESS;
    char options[256];
    memset(kern, 0, sizeof *kern);
    kern->format = format;
    kern->m = m;
    kern->variant = *v;
    kern->aligned16 = oclab_gemv_aligned16(format, k);
    if (format_code(format) < 0) {
        oclab_error("gemv: no kernel for weight format %s", rl_format_name(format));
        return CL_INVALID_VALUE;
    }
    snprintf(options, sizeof options,
             "-DFORMAT=%d -DM=%llu -DMB=%d -DVEC=%d -DROWS=%d -DUNROLL=%d -DLANES=%d -DWG=%d -DFOLD=%d "
             "-DALIGNED16=%d -DIL=%d -DPREFETCH=%d",
             format_code(format), (unsigned long long)m, v->mb, v->vec, v->rows, v->unroll, v->lanes, v->wg,
             v->fold, kern->aligned16, v->il, v->prefetch);
    CL_TRY(oclab_cl_build(cl, "gemv.cl", options, &kern->program));
    CL_TRY(oclab_cl_kernel(kern->program, "gemv", &kern->kernel));
cleanup:
    if (err != CL_SUCCESS)
        oclab_gemv_kernel_free(kern);
    return err;
}

void oclab_gemv_kernel_free(oclab_gemv_kernel *kern)
{
    oclab_cl_release_kernel(&kern->kernel);
    oclab_cl_release_program(&kern->program);
}

cl_int oclab_gemv_enqueue(oclab_cl *cl, const oclab_gemv_kernel *kern, const oclab_gemv_problem *p, int copy,
                          cl_event *event)
{
    cl_int err = CL_SUCCESS;
    const oclab_gemv_variant *v = &kern->variant;
    cl_uint n = (cl_uint)p->n, k = (cl_uint)p->k;
    cl_uint xstride = (cl_uint)(v->il ? p->m_max : p->x_stride);
    /* interleaved: ROWS groups of VEC rows per work-item */
    size_t rows_per_group = (size_t)(v->wg / v->lanes) * (size_t)v->rows * (size_t)(v->il ? v->vec : 1);
    size_t local = (size_t)v->wg;
    size_t global = (p->n + rows_per_group - 1) / rows_per_group * local;
    int l = oclab_gemv_layout_of(v);
    CL_TRY(oclab_cl_arg(kern->kernel, 0, sizeof(cl_mem), &p->w[l][copy]));
    CL_TRY(oclab_cl_arg(kern->kernel, 1, sizeof(cl_mem), &p->s[l][copy]));
    CL_TRY(oclab_cl_arg(kern->kernel, 2, sizeof(cl_mem), v->il && kern->m > 1 ? &p->xt : &p->x));
    CL_TRY(oclab_cl_arg(kern->kernel, 3, sizeof(cl_mem), &p->xs));
    CL_TRY(oclab_cl_arg(kern->kernel, 4, sizeof(cl_mem), &p->y));
    CL_TRY(oclab_cl_arg(kern->kernel, 5, sizeof n, &n));
    CL_TRY(oclab_cl_arg(kern->kernel, 6, sizeof k, &k));
    CL_TRY(oclab_cl_arg(kern->kernel, 7, sizeof xstride, &xstride));
    CL_TRY(clEnqueueNDRangeKernel(cl->queue, kern->kernel, 1, NULL, &global, &local, 0, NULL, event));
cleanup:
    return err;
}

cl_int oclab_gemv_poison(oclab_cl *cl, const oclab_gemv_problem *p, float value)
{
    cl_int err = CL_SUCCESS;
    CL_TRY(clEnqueueFillBuffer(cl->queue, p->y, &value, sizeof value, 0,
                               p->m_max * p->n * sizeof(float), 0, NULL, NULL));
cleanup:
    return err;
}

double oclab_gemv_check(oclab_cl *cl, const oclab_gemv_problem *p, uint64_t m, cl_int *err_out)
{
    cl_int err = CL_SUCCESS;
    double error = NAN;
    float *y = malloc(m * p->n * sizeof *y);
    if (!y) {
        err = CL_OUT_OF_HOST_MEMORY;
        CL_CHECK("malloc(y)");
    }
    CL_TRY(oclab_cl_read(cl, p->y, m * p->n * sizeof *y, y));
    double largest = 0.0;
    for (uint64_t i = 0; i < m * p->n; i++)
        largest = fmax(largest, fabs(p->ref[i]));
    error = rl_max_rel_error(y, p->ref, m * p->n, largest > 0.0 ? 1e-2 * largest : 1e-30);
cleanup:
    free(y);
    *err_out = err;
    return error;
}

double oclab_gemv_verify(oclab_cl *cl, const oclab_gemv_kernel *kern, const oclab_gemv_problem *p, cl_int *err_out)
{
    cl_int err = CL_SUCCESS;
    double worst = 0.0;
    int held = oclab_gemv_held(p, &kern->variant);
    if (held == 0) {
        oclab_error("gemv: the problem holds no copy of the %s layout", kern->variant.il ? "interleaved" : "rows");
        err = CL_INVALID_MEM_OBJECT;
        goto cleanup;
    }
    for (int c = 0; c < held; c++) {
        CL_TRY(oclab_gemv_poison(cl, p, NAN));
        CL_TRY(oclab_gemv_enqueue(cl, kern, p, c, NULL));
        double e = oclab_gemv_check(cl, p, kern->m, &err);
        if (err != CL_SUCCESS)
            goto cleanup;
        if (isnan(e) || e > worst)
            worst = e;
        if (isnan(worst))
            break;
    }
cleanup:
    *err_out = err;
    return err == CL_SUCCESS ? worst : NAN;
}

double oclab_gemv_tolerance(rl_format format, uint64_t k)
{
    double base = format == RL_FMT_F32 ? 2e-4 : 1e-3;
    return k > 4096 ? base * sqrt((double)k / 4096.0) : base;
}

cl_int oclab_gemv_launch_fn(void *user, int rep, cl_event *first, cl_event *event)
{
    (void)first;
    const oclab_gemv_launch *l = user;
    return oclab_gemv_enqueue(l->cl, l->kern, l->p, rep % oclab_gemv_held(l->p, &l->kern->variant), event);
}
