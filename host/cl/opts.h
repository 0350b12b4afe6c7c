#ifndef OCLAB_HOST_CL_OPTS_H
#define OCLAB_HOST_CL_OPTS_H
/* What every measurement on a device is given, whichever command asked for it (cli/ fills it from
 * the command line). */

typedef struct {
    const char *selector;   /* -d / --device, else $OCLAB_DEVICE, else the command's default */
    const char *kernel_dir; /* --kernels DIR: load the .cl files from DIR instead of the embedded copies */
    double max_time_ms;     /* --max-time MS: time budget per measurement */
    double max_launch_ms;   /* --max-launch MS: no single launch longer (0: OCLAB_MAX_LAUNCH_S) */
    int quick;              /* --quick: small sweeps for CI */
    /* The tuner (host/tune/): */
    double tune_time_s;       /* --tune-time S: budget of one search (0: each family's default) */
    int no_tune;              /* --no-tune: each family's device-derived start point, no search */
    int retune;               /* --retune: search even where the tuning cache has an answer */
    const char *tuning_cache; /* --tuning-cache FILE (NULL: $XDG_CACHE_HOME/oclab/tuning.json) */
    int no_tuning_cache;      /* --no-tuning-cache: keep nothing between runs */
} oclab_device_opts;

/* The default bound on one launch: GPU watchdogs reset a kernel after about 2 s (Windows TDR), and a
 * launch this long is long enough to time on any device. */
#define OCLAB_MAX_LAUNCH_S 0.2

#endif
