#include "host/cli/cli.h"

#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/cl/log.h"

int oclab_flag_value(int argc, char **argv, int *i, const char *flag, const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(flag);
    if (strncmp(arg, flag, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        oclab_error("option %s needs a value", flag);
        return -1;
    }
    *i += 1;
    *value = argv[*i];
    return 1;
}

int oclab_parse_u64(const char *flag, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    /* strtoull accepts "-1" and wraps it; refuse any sign explicitly. */
    if (text[0] == '\0' || text[0] == '-' || text[0] == '+') {
        oclab_error("%s: '%s' is not a non-negative integer", flag, text);
        return -1;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0') {
        oclab_error("%s: '%s' is not a non-negative integer", flag, text);
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        oclab_error("%s: %s is out of range [%llu, %llu]", flag, text, (unsigned long long)min,
                    (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

int oclab_parse_double(const char *flag, const char *text, double min, double max, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || !isfinite(v)) {
        oclab_error("%s: '%s' is not a number", flag, text);
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        oclab_error("%s: %s is out of range [%g, %g]", flag, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int oclab_parse_word_list(const char *flag, const char *text, const char **out, int cap, int *count,
                          char **storage)
{
    char *copy = strdup(text);
    if (!copy) {
        oclab_error("out of host memory");
        return -1;
    }
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == cap) {
            oclab_error("%s: more than %d values in '%s'", flag, cap, text);
            free(copy);
            return -1;
        }
        out[n++] = tok;
    }
    if (n == 0) {
        oclab_error("%s: empty list", flag);
        free(copy);
        return -1;
    }
    *count = n;
    *storage = copy;
    return 0;
}

int oclab_parse_u64_list(const char *flag, const char *text, uint64_t min, uint64_t max,
                         uint64_t *out, int cap, int *count)
{
    const char *words[64];
    char *storage = NULL;
    int n = 0;
    if (cap > 64)
        cap = 64;
    if (oclab_parse_word_list(flag, text, words, cap, &n, &storage) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = oclab_parse_u64(flag, words[i], min, max, &out[i]);
    free(storage);
    if (rc == 0)
        *count = n;
    return rc;
}

void oclab_device_opts_init(oclab_device_opts *opts, const char *default_selector)
{
    const char *env = getenv("OCLAB_DEVICE");
    opts->selector = (env && env[0]) ? env : default_selector;
    opts->kernel_dir = NULL;
    opts->max_time_ms = 0.0; /* 0: the command's default budget */
    opts->quick = 0;
    opts->max_launch_ms = 0.0;
    opts->tune_time_s = 0.0;
    opts->no_tune = opts->retune = opts->no_tuning_cache = 0;
    opts->tuning_cache = NULL;
}

int oclab_device_opt(oclab_device_opts *opts, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int r;
    if ((r = oclab_flag_value(argc, argv, i, "-d", &v)) != 0 ||
        (r = oclab_flag_value(argc, argv, i, "--device", &v)) != 0) {
        if (r > 0)
            opts->selector = v;
        return r;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--kernels", &v)) != 0) {
        if (r < 0)
            return -1;
        if (access(v, R_OK | X_OK) != 0) {
            oclab_error("--kernels: cannot read folder %s: %s", v, strerror(errno));
            return -1;
        }
        opts->kernel_dir = v;
        return 1;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--max-time", &v)) != 0) {
        if (r < 0 || oclab_parse_double("--max-time", v, 1.0, 600000.0, &opts->max_time_ms) != 0)
            return -1;
        return 1;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--max-launch", &v)) != 0) {
        if (r < 0 || oclab_parse_double("--max-launch", v, 1.0, 60000.0, &opts->max_launch_ms) != 0)
            return -1;
        return 1;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--tune-time", &v)) != 0) {
        if (r < 0 || oclab_parse_double("--tune-time", v, 0.01, 3600.0, &opts->tune_time_s) != 0)
            return -1;
        return 1;
    }
    if ((r = oclab_flag_value(argc, argv, i, "--tuning-cache", &v)) != 0) {
        if (r > 0)
            opts->tuning_cache = v;
        return r;
    }
    static const struct {
        const char *flag;
        size_t field;
    } switches[] = {{"--no-tune", offsetof(oclab_device_opts, no_tune)},
                    {"--retune", offsetof(oclab_device_opts, retune)},
                    {"--no-tuning-cache", offsetof(oclab_device_opts, no_tuning_cache)}};
    for (size_t s = 0; s < sizeof switches / sizeof switches[0]; s++)
        if (strcmp(argv[*i], switches[s].flag) == 0) {
            *(int *)((char *)opts + switches[s].field) = 1;
            return 1;
        }
    if (strcmp(argv[*i], "--quick") == 0) {
        opts->quick = 1;
        return 1;
    }
    if (strcmp(argv[*i], "-v") == 0 || strcmp(argv[*i], "--verbose") == 0) {
        oclab_verbosity = 2;
        return 1;
    }
    if (strcmp(argv[*i], "-q") == 0 || strcmp(argv[*i], "--quiet") == 0) {
        oclab_verbosity = 0;
        return 1;
    }
    return 0;
}

int oclab_device_find(oclab_device_list *list, const char *selector, int *out, int cap, int *count)
{
    if (oclab_device_list_load(list) != CL_SUCCESS)
        return OCLAB_EXIT_FAIL;
    if (list->count == 0) {
        oclab_error("no OpenCL platform or device found: install an ICD, e.g. apt-get install "
                    "pocl-opencl-icd (CPU) or your GPU vendor's OpenCL driver");
        return OCLAB_EXIT_FAIL;
    }
    int n = oclab_device_select(list, selector, out, cap);
    if (n < 0)
        return OCLAB_EXIT_USAGE;
    *count = n;
    return OCLAB_EXIT_OK;
}

int oclab_unknown_arg(const char *command, const char *arg)
{
    if (arg[0] == '-')
        oclab_error("%s: unknown option '%s' (see oclab help)", command, arg);
    else
        oclab_error("%s: unexpected argument '%s' (see oclab help)", command, arg);
    return OCLAB_EXIT_USAGE;
}
