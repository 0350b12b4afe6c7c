/* oclab cost gemv|attention: FLOPs, bytes, intensity and bound of one kernel shape (issue 3). No
 * OpenCL: it is the cost model of roofline/ with a roof from the DEVICE options. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "host/cl/log.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/roof_opts.h"
#include "reports/fmt.h"
#include "roofline/cost.h"

/* Flags shared by both shapes. */
typedef struct {
    oclab_roof_opts roof;
    int json;
} cost_opts;

/* Consumes --json and the DEVICE options: 1 consumed, 0 not ours, -1 bad. */
static int common_opt(cost_opts *o, int argc, char **argv, int *i)
{
    if (strcmp(argv[*i], "--json") == 0) {
        o->json = 1;
        return 1;
    }
    return oclab_roof_opt(&o->roof, argc, argv, i);
}

/* One flag of a shape: a size when SIZE is set, else a format of ROLE (see oclab_parse_format). */
typedef struct {
    const char *flag;
    uint64_t *size;
    const char *role;
    rl_format *format;
    int *given; /* set to 1 when the format flag is seen */
} shape_flag;

#define SIZE_FLAG(name, out) {.flag = name, .size = out}
#define FORMAT_FLAG(name, kind, out, seen) {.flag = name, .role = kind, .format = out, .given = seen}

/* 1 consumed, 0 not this flag, -1 bad (a size zero, negative or not a number; an unknown format). */
static int shape_opt(const shape_flag *f, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int r = oclab_flag_value(argc, argv, i, f->flag, &v);
    if (r <= 0) {
        return r;
    }
    if (f->size != NULL) {
        return oclab_parse_u64(f->flag, v, 1, UINT64_MAX, f->size) == 0 ? 1 : -1;
    }
    if (oclab_parse_format(f->flag, v, f->role, f->format) != 0) {
        return -1;
    }
    *f->given = 1;
    return 1;
}

/* Parses the arguments of COMMAND into FLAGS and O; OCLAB_EXIT_OK, or OCLAB_EXIT_USAGE (error printed). */
static int parse_shape(const char *command, const shape_flag *flags, size_t n, cost_opts *o, int argc, char **argv)
{
    o->json = 0;
    oclab_roof_opts_init(&o->roof);
    for (int i = 0; i < argc; i++) {
        int r = 0;
        for (size_t f = 0; f < n && r == 0; f++) {
            r = shape_opt(&flags[f], argc, argv, &i);
        }
        if (r == 0) {
            r = common_opt(o, argc, argv, &i);
        }
        if (r < 0) {
            return OCLAB_EXIT_USAGE;
        }
        if (r == 0) {
            return oclab_unknown_arg(command, argv[i]);
        }
    }
    return OCLAB_EXIT_OK;
}

/* One output field of a shape: a count (exact, printed as an integer) or a derived value. */
typedef struct {
    const char *key;
    int is_count;
    uint64_t count;
    double value;
    const char *unit;
} cost_field;

#define COUNT(key, v, unit) {key, 1, v, 0.0, unit}
#define VALUE(key, v, unit) {key, 0, 0, v, unit}

static void print_value(const char *label, double value, const char *unit)
{
    char num[32];
    printf("  %-18s %22s %s\n", label, rpt_fmt_num(value, num, sizeof num), unit);
}

/* Counts go into JSON as doubles: exact up to 2^53, beyond any shape these commands are meant for. */
static int print_json(const cost_field *fields, size_t n, const rl_bound *b)
{
    cJSON *j = cJSON_CreateObject();
    for (size_t i = 0; i < n; i++) {
        cJSON_AddNumberToObject(j, fields[i].key, fields[i].is_count ? (double)fields[i].count : fields[i].value);
    }
    cJSON_AddNumberToObject(j, "ridge", b->ridge);
    cJSON_AddNumberToObject(j, "t_mem_s", b->t_mem_s);
    cJSON_AddNumberToObject(j, "t_comp_s", b->t_comp_s);
    cJSON_AddNumberToObject(j, "t_bound_s", b->t_bound_s);
    cJSON_AddStringToObject(j, "bound", b->compute_bound ? "compute" : "memory");
    cJSON_AddNumberToObject(j, "attainable_gflops", b->attainable_gflops);
    return oclab_print_json(j) == 0 ? OCLAB_EXIT_OK : OCLAB_EXIT_FAIL;
}

static void print_table(const char *title, const cost_field *fields, size_t n, const oclab_roof_device *dev,
                        const char *precision, const rl_bound *b)
{
    printf("%s\n", title);
    for (size_t i = 0; i < n; i++) {
        if (fields[i].is_count) {
            printf("  %-18s %22llu %s\n", fields[i].key, (unsigned long long)fields[i].count, fields[i].unit);
        } else {
            print_value(fields[i].key, fields[i].value, fields[i].unit);
        }
    }
    char peak[32], gbs[32];
    printf("device %s: %s GFLOP/s (%s), %s GB/s\n", dev->name, rpt_fmt_num(dev->roof.gflops, peak, sizeof peak),
           precision, rpt_fmt_num(dev->roof.gbs, gbs, sizeof gbs));
    print_value("ridge", b->ridge, "FLOP/byte");
    print_value("t_mem", b->t_mem_s * 1e6, "us");
    print_value("t_comp", b->t_comp_s * 1e6, "us");
    print_value("t_bound", b->t_bound_s * 1e6, "us");
    printf("  %-18s %22s\n", "bound", b->compute_bound ? "compute" : "memory");
    print_value("attainable", b->attainable_gflops, "GFLOP/s");
}

/* The part both shapes share once their counts are known: the roof of a kernel computing in
 * PRECISION, its bound, and FIELDS then the bound as JSON or as a table under TITLE. */
static int report(const cost_opts *o, const char *precision, double flops, double flops_executed, double bytes,
                  const char *title, const cost_field *fields, size_t n)
{
    oclab_roof_device dev;
    if (oclab_roof_resolve(&o->roof, precision, &dev) != 0) {
        return OCLAB_EXIT_USAGE;
    }
    rl_bound b = rl_bound_of(flops, flops_executed, bytes, dev.roof);
    if (o->json) {
        return print_json(fields, n, &b);
    }
    print_table(title, fields, n, &dev, precision, &b);
    return OCLAB_EXIT_OK;
}

static int cost_gemv(int argc, char **argv)
{
    cost_opts o;
    rl_gemv_shape s = {.weights = RL_FMT_COUNT, .tile_m = 0};
    int have_w = 0, have_act = 0, have_out = 0;
    const shape_flag flags[] = {
        SIZE_FLAG("--m", &s.m),
        SIZE_FLAG("--n", &s.n),
        SIZE_FLAG("--k", &s.k),
        SIZE_FLAG("--tile-m", &s.tile_m),
        FORMAT_FLAG("--weights", "weights", &s.weights, &have_w),
        FORMAT_FLAG("--act", "elem", &s.act, &have_act),
        FORMAT_FLAG("--out", "elem", &s.out, &have_out),
    };
    int rc = parse_shape("cost gemv", flags, sizeof flags / sizeof flags[0], &o, argc, argv);
    if (rc != OCLAB_EXIT_OK) {
        return rc;
    }
    if (s.m == 0 || s.n == 0 || s.k == 0 || !have_w) {
        oclab_error("cost gemv: --m, --n, --k and --weights are required");
        return OCLAB_EXIT_USAGE;
    }
    /* f16/bf16 weights feed f16 kernels; everything else computes in f32 unless told otherwise. */
    rl_format elem = (s.weights == RL_FMT_F16 || s.weights == RL_FMT_BF16) ? RL_FMT_F16 : RL_FMT_F32;
    s.act = have_act ? s.act : elem;
    s.out = have_out ? s.out : elem;
    char err[256];
    rl_gemv_cost c;
    if (rl_gemv_cost_of(&s, &c, err, sizeof err) != 0) {
        oclab_error("cost gemv: %s", err);
        return OCLAB_EXIT_USAGE;
    }
    const cost_field fields[] = {
        COUNT("flops", c.flops, "FLOP"),
        COUNT("flops_padded", c.flops_padded, "FLOP"),
        COUNT("m_padded", c.m_padded, "rows"),
        COUNT("bytes", c.bytes, "B"),
        COUNT("bytes_weights", c.bytes_weights, "B"),
        COUNT("bytes_act", c.bytes_act, "B"),
        COUNT("bytes_out", c.bytes_out, "B"),
        VALUE("intensity", c.intensity, "FLOP/byte"),
        VALUE("intensity_padded", c.intensity_padded, "FLOP/byte"),
    };
    char title[320];
    snprintf(title, sizeof title, "gemv M=%llu N=%llu K=%llu  weights %s, act %s, out %s, tile-m %llu",
             (unsigned long long)s.m, (unsigned long long)s.n, (unsigned long long)s.k, rl_format_name(s.weights),
             rl_format_name(s.act), rl_format_name(s.out), (unsigned long long)(s.tile_m > 1 ? s.tile_m : 1));
    /* The kernel computes in its activation precision (dequantized weights are converted to it). */
    return report(&o, rl_format_name(s.act), (double)c.flops, (double)c.flops_padded, (double)c.bytes, title,
                  fields, sizeof fields / sizeof fields[0]);
}

static int cost_attention(int argc, char **argv)
{
    cost_opts o;
    rl_attn_shape s = {.batch = 1, .kv = RL_FMT_F16};
    int have_kv = 0, have_q = 0, have_out = 0;
    const shape_flag flags[] = {
        SIZE_FLAG("--batch", &s.batch),
        SIZE_FLAG("--heads", &s.heads),
        SIZE_FLAG("--kv-heads", &s.kv_heads),
        SIZE_FLAG("--head-dim", &s.head_dim),
        SIZE_FLAG("--context", &s.context),
        FORMAT_FLAG("--kv", "kv", &s.kv, &have_kv),
        FORMAT_FLAG("--q", "elem", &s.q, &have_q),
        FORMAT_FLAG("--out", "elem", &s.out, &have_out),
    };
    int rc = parse_shape("cost attention", flags, sizeof flags / sizeof flags[0], &o, argc, argv);
    if (rc != OCLAB_EXIT_OK) {
        return rc;
    }
    if (s.heads == 0 || s.head_dim == 0 || s.context == 0) {
        oclab_error("cost attention: --heads, --head-dim and --context are required");
        return OCLAB_EXIT_USAGE;
    }
    s.kv_heads = s.kv_heads != 0 ? s.kv_heads : s.heads; /* multi-head attention unless told */
    /* An f16 or bf16 cache goes with queries and outputs of its type; f32 and q8_0 caches with f32 ones. */
    rl_format elem = s.kv == RL_FMT_F16 || s.kv == RL_FMT_BF16 ? s.kv : RL_FMT_F32;
    s.q = have_q ? s.q : elem;
    s.out = have_out ? s.out : elem;
    char err[256];
    rl_attn_cost c;
    if (rl_attn_cost_of(&s, &c, err, sizeof err) != 0) {
        oclab_error("cost attention: %s", err);
        return OCLAB_EXIT_USAGE;
    }
    const cost_field fields[] = {
        COUNT("flops_core", c.flops_core, "FLOP"),
        COUNT("flops_softmax", c.flops_softmax, "FLOP"),
        COUNT("flops", c.flops, "FLOP"),
        COUNT("bytes", c.bytes, "B"),
        COUNT("bytes_kv", c.bytes_kv, "B"),
        COUNT("bytes_q", c.bytes_q, "B"),
        COUNT("bytes_out", c.bytes_out, "B"),
        VALUE("intensity", c.intensity, "FLOP/byte (core)"),
        VALUE("intensity_total", c.intensity_total, "FLOP/byte (with softmax)"),
    };
    char title[320];
    snprintf(title, sizeof title,
             "attention decode batch=%llu heads=%llu kv-heads=%llu head-dim=%llu context=%llu  kv %s, q %s, out %s",
             (unsigned long long)s.batch, (unsigned long long)s.heads, (unsigned long long)s.kv_heads,
             (unsigned long long)s.head_dim, (unsigned long long)s.context, rl_format_name(s.kv),
             rl_format_name(s.q), rl_format_name(s.out));
    /* Scores and sums run in the query precision; softmax FLOPs are executed and useful alike. */
    return report(&o, rl_format_name(s.q), (double)c.flops, (double)c.flops, (double)c.bytes, title, fields,
                  sizeof fields / sizeof fields[0]);
}

int oclab_cmd_cost(int argc, char **argv)
{
    if (argc < 1) {
        oclab_error("cost: give a shape: gemv or attention");
        return OCLAB_EXIT_USAGE;
    }
    if (strcmp(argv[0], "gemv") == 0) {
        return cost_gemv(argc - 1, argv + 1);
    }
    if (strcmp(argv[0], "attention") == 0) {
        return cost_attention(argc - 1, argv + 1);
    }
    oclab_error("cost: unknown shape '%s' (gemv or attention)", argv[0]);
    return OCLAB_EXIT_USAGE;
}
